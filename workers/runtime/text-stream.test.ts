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

  it('gives the pieces of a whole-text decode when the decoder drops a leading space, decoding short windows', () => {
    const vocab = [' Hello', ' world', '!', ' again'];
    const lengths: number[] = [];
    // As a Metaspace decoder does: the first token's leading space is dropped.
    const decode = (ids: number[]) => (lengths.push(ids.length), ids.map((id) => vocab[id]).join('').replace(/^ /, ''));
    const stream = new IncrementalDetokenizer(decode);
    const ids = [0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2];
    const text = ids.map((id) => stream.push(id)).join('');
    expect(text).toBe(decode(ids));
    expect(Math.max(...lengths.slice(0, -1))).toBeLessThanOrEqual(2);
    expect(stream.finish().remainder).toBe('');
  });
});
