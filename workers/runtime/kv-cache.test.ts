import { describe, expect, it } from 'vitest';
import { Tensor } from '@huggingface/transformers';
import type { PreparedPrompt, PromptImage } from '../families/family.ts';
import { KvCache } from './kv-cache.ts';
import type { OrtSession, OrtTensor } from './ort-types.ts';

/** A decoder with one layer: past/present of shape [1, 2 heads, seq, 3]. */
const decoder = {
  inputMetadata: [
    { name: 'past_key_values.0.key', isTensor: true, type: 'float32', shape: ['batch_size', 2, 'past_sequence_length', 3] },
    { name: 'past_key_values.0.value', isTensor: true, type: 'float32', shape: ['batch_size', 2, 'past_sequence_length', 3] },
  ],
} as unknown as OrtSession;

function present(length: number): Record<string, OrtTensor> {
  const make = (offset: number) => {
    const data = new Float32Array(2 * length * 3).map((_, i) => offset + i);
    return new Tensor('float32', data, [1, 2, length, 3]).ort_tensor as OrtTensor;
  };
  return { 'present.0.key': make(0), 'present.0.value': make(1000), logits: make(5000) };
}

const img = (key: string, first: number, end: number) => ({ key, firstImageToken: first, endImageToken: end }) as PromptImage;
const prompt = (ids: number[], images: PromptImage[] = []): PreparedPrompt => ({ ids, images, imageTokens: 0 });

describe('KvCache', () => {
  it("starts with zero-length past tensors of the decoder's declared shape", () => {
    const feeds = new KvCache(decoder).feeds();
    expect(Object.keys(feeds)).toEqual(['past_key_values.0.key', 'past_key_values.0.value']);
    expect(feeds['past_key_values.0.key']!.dims).toEqual([1, 2, 0, 3]);
  });

  it('reuses the longest matching prefix, never the whole prompt', () => {
    const cache = new KvCache(decoder);
    cache.update(present(5), [1, 2, 3, 4, 5]);
    expect(cache.reusablePrefix(prompt([1, 2, 3, 4, 5, 6, 7]))).toBe(5);
    expect(cache.reusablePrefix(prompt([1, 2, 9, 4, 5, 6]))).toBe(2);
    expect(cache.reusablePrefix(prompt([1, 2, 3, 4, 5]))).toBe(4);
    expect(cache.reusablePrefix(prompt([7, 8]))).toBe(0);
  });

  it('does not reuse across a different image even when the token ids match', () => {
    const cache = new KvCache(decoder);
    const first = prompt([1, 9, 9, 2, 3], [img('cat|512|false', 1, 3)]);
    cache.update(present(5), first.ids, first);
    expect(cache.reusablePrefix(prompt([1, 9, 9, 2, 3, 4], [img('cat|512|false', 1, 3)]))).toBe(5);
    expect(cache.reusablePrefix(prompt([1, 9, 9, 2, 3, 4], [img('dog|512|false', 1, 3)]))).toBe(1);
  });

  it('truncates keys and values per head and keeps the prefix values', async () => {
    const cache = new KvCache(decoder);
    cache.update(present(4), [1, 2, 3, 4]);
    await cache.truncate(2);
    expect(cache.ids).toEqual([1, 2]);
    const key = cache.feeds()['past_key_values.0.key']!;
    expect(key.dims).toEqual([1, 2, 2, 3]);
    // Head 0 keeps positions 0-1 (values 0..5), head 1 its own positions 0-1 (values 12..17).
    expect(Array.from(key.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
    await cache.truncate(0);
    expect(cache.length).toBe(0);
    expect(cache.feeds()['past_key_values.0.key']!.dims).toEqual([1, 2, 0, 3]);
  });

  it("keeps an encoder-decoder's cross-attention entries from the first step; the self-attention ones move on", () => {
    const cache = new KvCache(decoder);
    const step = (length: number, encoderLength: number, offset: number): Record<string, OrtTensor> => ({
      ...present(length),
      'present.0.encoder.key': new Tensor('float32', new Float32Array(2 * encoderLength * 3).fill(offset), [1, 2, encoderLength, 3]).ort_tensor as OrtTensor,
    });
    cache.update(step(1, 7, 1), [2]);
    // A merged decoder's cache branch outputs an empty placeholder for the encoder entries.
    cache.update(step(2, 0, 2), [5]);
    const feeds = cache.feeds();
    expect(feeds['past_key_values.0.encoder.key']!.dims).toEqual([1, 2, 7, 3]);
    expect((feeds['past_key_values.0.encoder.key']!.data as Float32Array)[0]).toBe(1);
    expect(feeds['past_key_values.0.key']!.dims).toEqual([1, 2, 2, 3]);
  });
});
