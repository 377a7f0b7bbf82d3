import { describe, expect, it } from 'vitest';
import { chooseThreads, threadCandidates } from './wasm-threads.ts';

describe('WASM thread choice', () => {
  it('tries every count up to four, then even counts and the last, never more than ORT is given', () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(3)).toEqual([1, 2, 3]);
    expect(threadCandidates(6)).toEqual([1, 2, 3, 4, 6]);
    expect(threadCandidates(7)).toEqual([1, 2, 3, 4, 6, 7]);
    expect(threadCandidates(32)).toEqual([1, 2, 3, 4, 6, 8]);
  });

  it('takes the fewest threads within 90% of the best rate', () => {
    // Four cores with hyperthreads: past 4 threads the rate no longer grows.
    const hyperthreaded = [1, 2, 3, 4, 6, 8].map((threads) => ({ threads, rate: 10 * Math.min(threads, 4) + (threads > 4 ? 2 : 0) }));
    expect(chooseThreads(hyperthreaded)).toBe(4);
    // Scaling on to the end: all of them.
    expect(chooseThreads([1, 2, 3].map((threads) => ({ threads, rate: threads * 10 })))).toBe(3);
    // A busy core: the third thread adds nothing.
    expect(chooseThreads([{ threads: 1, rate: 10 }, { threads: 2, rate: 19 }, { threads: 3, rate: 19.5 }])).toBe(2);
  });

  it('falls back to one thread when nothing usable was measured', () => {
    expect(chooseThreads([])).toBe(1);
    expect(chooseThreads([{ threads: 2, rate: Number.NaN }, { threads: 3, rate: 0 }])).toBe(1);
  });
});
