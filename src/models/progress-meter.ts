/**
 * Download rate and time left from load progress samples: a sliding window, so a stall shows as a
 * falling rate rather than an average over the whole download.
 */

export interface ProgressSample {
  at: number;
  loadedBytes: number;
}

export const RATE_WINDOW_MS = 4000;

/** Adds a sample and drops those older than the window (keeping one before it as the baseline). */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample, windowMs = RATE_WINDOW_MS): ProgressSample[] {
  const next = [...samples.filter((s) => s.loadedBytes <= sample.loadedBytes), sample];
  let first = 0;
  while (first < next.length - 2 && next[first + 1]!.at <= sample.at - windowMs) first++;
  return next.slice(first);
}

/** Bytes per second over the window; 0 until two samples span some time. */
export function transferRate(samples: readonly ProgressSample[]): number {
  if (samples.length < 2) return 0;
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0.2 ? Math.max(0, last.loadedBytes - first.loadedBytes) / seconds : 0;
}

/** Milliseconds left at the current rate, or null while it cannot be told. */
export function timeLeftMs(loadedBytes: number, totalBytes: number, rate: number): number | null {
  if (!(totalBytes > 0) || !(rate > 0)) return null;
  return (Math.max(0, totalBytes - loadedBytes) / rate) * 1000;
}
