import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it('prints three significant digits in decimal units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(500)).toBe('500 bytes');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(1536)).toBe('1.54 kB');
    expect(formatBytes(474_012)).toBe('474 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(137_221_644)).toBe('137 MB');
    expect(formatBytes(2_000_000_000)).toBe('2.00 GB');
  });

  it('never prints four digits where rounding carries into the next unit', () => {
    expect(formatBytes(999_960)).toBe('1.00 MB');
    expect(formatBytes(9_996)).toBe('10.0 kB');
    expect(formatBytes(99_960)).toBe('100 kB');
  });

  it('has a dash for what is not a size', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });
});
