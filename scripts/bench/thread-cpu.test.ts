import { describe, expect, it } from 'vitest';
import { stepOf } from './thread-cpu.ts';

describe('thread-cpu', () => {
  it("names the bench's steps from its log lines, and nothing else", () => {
    expect(stepOf('[bench 11:57:41] run 1/5: (a) detail low (64 image tokens), 128 token(s)')).toBe('(a) run');
    expect(stepOf('[bench 11:57:49] run 1/5: (b) detail low (64 image tokens), 128 token(s)')).toBe('(b) run');
    expect(stepOf('[bench 12:30:01] (a) chat UI: run 2/3, 128 tokens')).toBe('chat UI run');
    expect(stepOf('[bench 12:30:00] (a) chat UI: warm-up, 128 tokens')).toBeNull();
    expect(stepOf('[bench 11:57:34] warm-up: 4 tokens on each path')).toBeNull();
  });
});
