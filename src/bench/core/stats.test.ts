import { describe, expect, it } from 'vitest';
import { intervals, matchingPrefix, median, pairedRatio, percentile, summarize, tokensPerSecond } from './stats.ts';

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

  it('pairs runs for a ratio with a distribution-free interval for its median', () => {
    // The machine slows down run by run; a is 10% slower than b in every pair.
    const b = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const a = b.map((x) => x * 1.1);
    const paired = pairedRatio(a, b)!;
    expect(paired.median).toBeCloseTo(1.1);
    expect(paired.low).toBeCloseTo(1.1);
    expect(paired.high).toBeCloseTo(1.1);
    // n = 10: the 2nd smallest and 2nd largest cover the median with 1 - 2 * 11/1024.
    expect(paired.confidence).toBeCloseTo(1 - 22 / 1024);
    expect(paired.n).toBe(10);
  });

  it('widens the interval to the order statistics, and gives none for too few pairs', () => {
    const ratios = [0.9, 1.3, 1.0, 1.2, 1.1];
    const paired = pairedRatio(ratios, ratios.map(() => 1))!;
    expect(paired.median).toBeCloseTo(1.1);
    // n = 5: only the smallest and largest give >= 90% (1 - 2/32).
    expect([paired.low, paired.high]).toEqual([0.9, 1.3]);
    expect(paired.confidence).toBeCloseTo(1 - 2 / 32);
    const few = pairedRatio([1, 2, 3, 4], [1, 1, 1, 1])!;
    expect(few.median).toBe(2.5);
    expect([few.low, few.high, few.confidence]).toEqual([null, null, 0]);
    // Unequal lengths pair what both have; a zero or missing b is left out.
    expect(pairedRatio([2, 2, 2], [1, 0])!.n).toBe(1);
    expect(pairedRatio([], [])).toBeNull();
  });
});
