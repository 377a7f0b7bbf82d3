import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame-batcher.ts';

describe('FrameBatcher', () => {
  it('hands over all pieces of a frame at once, in order', () => {
    const frames: (() => void)[] = [];
    const flushed: string[] = [];
    const batcher = new FrameBatcher((text) => flushed.push(text), (callback) => frames.push(callback), () => undefined);
    batcher.push('Hel');
    batcher.push('lo');
    batcher.push('');
    expect(frames).toHaveLength(1);
    frames.shift()!();
    batcher.push(' world');
    expect(flushed).toEqual(['Hello']);
    batcher.flush();
    expect(flushed).toEqual(['Hello', ' world']);
    batcher.flush();
    expect(flushed).toHaveLength(2);
  });

  it('drops pending text on dispose', () => {
    const flushed: string[] = [];
    const cancelled: number[] = [];
    const batcher = new FrameBatcher((text) => flushed.push(text), () => 7, (handle) => cancelled.push(handle));
    batcher.push('x');
    batcher.dispose();
    batcher.flush();
    expect(flushed).toEqual([]);
    expect(cancelled).toEqual([7]);
  });
});
