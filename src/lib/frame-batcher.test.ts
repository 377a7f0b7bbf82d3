import { describe, expect, it } from 'vitest';
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
});
