/** What a benchmark run does: the same in `npm run bench` and on the in-app page. */
import { IMAGE_DETAILS } from '../../../workers/protocol.ts';
import type { BenchSettings } from './types.ts';

/** Asked about the benchmark image on every path. */
export const BENCH_PROMPT = 'Describe this image in detail.';
export const BENCH_IMAGE_SIZE = 512;

/** Repeats, answer length and details of a full and a quick run. */
export function benchSettings(quick: boolean, overrides: Partial<BenchSettings> = {}): BenchSettings {
  const details = [...IMAGE_DETAILS];
  const base: BenchSettings = quick
    ? { quick, runs: 1, highRuns: 1, loadRuns: 1, maxNewTokens: 32, imageSize: BENCH_IMAGE_SIZE, prompt: BENCH_PROMPT, details }
    : { quick, runs: 3, highRuns: 1, loadRuns: 2, maxNewTokens: 128, imageSize: BENCH_IMAGE_SIZE, prompt: BENCH_PROMPT, details };
  return { ...base, ...overrides };
}

/** Tokens of the warm-up answer every path gives before anything is timed. */
export const WARMUP_TOKENS = 4;

/** Issue 12: seconds between attaching the image and Enter. */
export const INSTANT_LEADS_SECONDS = [0, 2, 5] as const;
/** Greedy tokens compared between prepared-ahead and plain answers. */
export const INSTANT_ANSWER_TOKENS = 16;
/** Length of the answer a follow-up question comes after. */
export const FOLLOW_UP_AFTER_TOKENS = 128;
export const FOLLOW_UP_QUESTION = 'What else can you see in it?';
