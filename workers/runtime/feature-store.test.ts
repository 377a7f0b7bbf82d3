import { describe, expect, it } from 'vitest';
import { FeatureStore } from './feature-store.ts';

const features = (rows: number, hidden = 4) => ({ data: new Float32Array(rows * hidden).fill(rows), type: 'float32' as const, rows, hidden });

describe('FeatureStore', () => {
  it('keeps features within its byte budget, dropping the least recently used first', () => {
    const store = new FeatureStore(3 * 16 * 4); // three images of 16 floats
    store.set('a', features(4));
    store.set('b', features(4));
    store.set('c', features(4));
    expect(store.bytes).toBe(3 * 64);
    expect(store.get('a')?.rows).toBe(4); // now the most recent
    store.set('d', features(4));
    expect(store.keys()).toEqual(['c', 'a', 'd']);
    expect(store.has('b')).toBe(false);
    expect(store.bytes).toBe(3 * 64);
  });

  it('replaces an entry under the same key, refuses one larger than the budget, and clears', () => {
    const store = new FeatureStore(256);
    store.set('a', features(4));
    store.set('a', features(8));
    expect(store.bytes).toBe(128);
    store.set('huge', features(100));
    expect(store.has('huge')).toBe(false);
    expect(store.keys()).toEqual(['a']);
    store.clear();
    expect(store.bytes).toBe(0);
    expect(store.get('a')).toBeUndefined();
  });
});
