/** Medians, percentiles and spreads of repeated measurements. */
import type { PairedRatio, Summary } from './types.ts';

/** Linear-interpolated percentile (p in [0, 100]) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Median, min, max and count; null when there is nothing to summarise. */
export function summarize(values: readonly number[]): Summary | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** Gaps between consecutive timestamps. */
export function intervals(times: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  return gaps;
}

/** Decode speed as the engine defines it: tokens after the first over the time since the first. */
export function tokensPerSecond(times: readonly number[]): number {
  if (times.length < 2) return Number.NaN;
  return ((times.length - 1) * 1000) / (times.at(-1)! - times[0]!);
}

/** How many leading ids two greedy answers share. */
export function matchingPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Pairs a[i] with b[i] (measured one right after the other, the order alternating), so a slow
 * minute of the machine slows both sides of a pair: the spread that swamps a ratio of two
 * medians largely cancels. The interval is the distribution-free one for a median: the k-th
 * smallest and k-th largest ratio, k the largest with P(Binomial(n, 1/2) < k) <= (1 - 0.9) / 2.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio | null {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const ratio = a[i]! / b[i]!;
    if (Number.isFinite(ratio) && b[i]! > 0) ratios.push(ratio);
  }
  const n = ratios.length;
  if (n === 0) return null;
  ratios.sort((x, y) => x - y);
  // P(Binomial(n, 1/2) <= j), for j = 0, 1, ...
  const below: number[] = [];
  let term = 0.5 ** n;
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    sum += term;
    below.push(sum);
    term = (term * (n - j)) / (j + 1);
  }
  let k = 0;
  while (k + 1 <= n / 2 && below[k]! <= 0.05) k++;
  const confidence = k === 0 ? 0 : 1 - 2 * below[k - 1]!;
  return { median: median(ratios), low: k ? ratios[k - 1]! : null, high: k ? ratios[n - k]! : null, confidence, n };
}
