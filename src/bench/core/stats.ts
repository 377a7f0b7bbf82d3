/** Medians, percentiles and spreads of repeated measurements. */
import type { Summary } from './types.ts';

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
