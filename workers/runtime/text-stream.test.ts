import { describe, expect, it } from 'vitest';
import { IncrementalDetokenizer } from './text-stream.ts';

// A toy byte-level vocabulary: each id is one byte.
const decodeBytes = (ids: number[]) => new TextDecoder().decode(new Uint8Array(ids));

describe('IncrementalDetokenizer', () => {
  it('emits ASCII token by token', () => {
    const stream = new IncrementalDetokenizer(decodeBytes);
    expect([..."hi!"].map((c) => stream.push(c.charCodeAt(0)))).toEqual(['h', 'i', '!']);
    expect(stream.finish()).toEqual({ text: 'hi!', remainder: '' });
  });

  it('holds back a partial UTF-8 character until it is complete', () => {
    const stream = new IncrementalDetokenizer(decodeBytes);
    const bytes = [...new TextEncoder().encode('é€')];
    const pieces = bytes.map((b) => stream.push(b));
    expect(pieces.join('')).toBe('é€');
    expect(pieces.filter((p) => p !== '').length).toBe(2);
  });

  it('returns a dangling partial character at the end', () => {
    const stream = new IncrementalDetokenizer(decodeBytes);
    stream.push(0x61);
    stream.push(0xe2);
    const { text, remainder } = stream.finish();
    expect(text).toBe('a\uFFFD');
    expect(remainder).toBe('\uFFFD');
  });
});
