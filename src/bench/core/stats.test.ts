import { describe, expect, it } from 'vitest';
import { intervals, matchingPrefix, median, percentile, summarize, tokensPerSecond } from './stats.ts';

describe('bench statistics', () => {
  it('interpolates percentiles between ranks', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises repeated runs and ignores non-finite values', () => {
    expect(summarize([5, 1, Number.NaN, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(summarize([])).toBeNull();
  });

  it('measures decode speed from the first token on, as the engine does', () => {
    // Tokens at 100, 150, 200, 250 ms: 3 tokens after the first in 150 ms.
    expect(tokensPerSecond([100, 150, 200, 250])).toBeCloseTo(20);
    expect(tokensPerSecond([100])).toBeNaN();
    expect(intervals([100, 150, 210])).toEqual([50, 60]);
  });

  it('counts how far two greedy answers agree', () => {
    expect(matchingPrefix([1, 2, 3, 4], [1, 2, 9, 4])).toBe(2);
    expect(matchingPrefix([1, 2], [1, 2, 3])).toBe(2);
  });
});
