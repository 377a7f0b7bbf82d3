import { describe, expect, it, vi } from 'vitest';
import { appendText, FrameBatcher } from './frame-batcher.ts';

describe('FrameBatcher', () => {
  it('hands over the text pieces of a frame at once, in order', () => {
    const frames: (() => void)[] = [];
    const flushed: string[] = [];
    const batcher = new FrameBatcher((text: string) => flushed.push(text), appendText, (callback) => frames.push(callback), () => undefined);
    batcher.push('Hel');
    batcher.push('lo');
    expect(frames).toHaveLength(1);
    frames.shift()!();
    batcher.push(' world');
    expect(flushed).toEqual(['Hello']);
    batcher.flush();
    expect(flushed).toEqual(['Hello', ' world']);
    batcher.flush();
    expect(flushed).toHaveLength(2);
  });

  it('keeps only the latest value of a frame by default', () => {
    const frames: (() => void)[] = [];
    const flushed: number[] = [];
    const batcher = new FrameBatcher((value: number) => flushed.push(value), undefined, (callback) => frames.push(callback), () => undefined);
    batcher.push(10);
    batcher.push(20);
    batcher.push(30);
    frames.shift()!();
    expect(flushed).toEqual([30]);
  });

  it('drops what is pending on dispose', () => {
    const flushed: string[] = [];
    const cancelled: number[] = [];
    const batcher = new FrameBatcher((text: string) => flushed.push(text), appendText, () => 7, (handle) => cancelled.push(handle));
    batcher.push('x');
    batcher.dispose();
    batcher.flush();
    expect(flushed).toEqual([]);
    expect(cancelled).toEqual([7]);
  });

  it('spaces hand-overs by minIntervalMs, the first one at the next frame', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const frames: (() => void)[] = [];
      const flushed: string[] = [];
      const batcher = new FrameBatcher((text: string) => flushed.push(text), appendText, (callback) => frames.push(callback), () => undefined, 100);
      batcher.push('a');
      expect(frames).toHaveLength(1);
      frames.shift()!();
      expect(flushed).toEqual(['a']);
      // Within the interval: nothing is asked of the next frame until it has passed.
      vi.advanceTimersByTime(20);
      batcher.push('b');
      vi.advanceTimersByTime(30);
      batcher.push('c');
      expect(frames).toHaveLength(0);
      vi.advanceTimersByTime(50);
      expect(frames).toHaveLength(1);
      frames.shift()!();
      expect(flushed).toEqual(['a', 'bc']);
      // The end of the answer hands over the rest at once.
      batcher.push('d');
      batcher.flush();
      expect(flushed).toEqual(['a', 'bc', 'd']);
      vi.advanceTimersByTime(200);
      expect(frames).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
