/**
 * Deterministic random numbers for the test model's weights.
 *
 * Every tensor gets its own stream, seeded from (model seed, tensor name), so
 * a weight's values do not depend on the order in which tensors are created
 * and the same seed always yields byte-identical files.
 */

/** 32-bit FNV-1a hash of a string; used to derive per-tensor seeds. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny, fast, good enough statistical quality for random weights. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills a Float32Array with values of mean 0 and standard deviation `std`.
 *
 * Uniform on [-std*sqrt(3), std*sqrt(3)] rather than Gaussian: same variance,
 * several times faster than Box-Muller, which matters for the ~250M values of
 * the smolvlm-256m preset. The xorshift is inlined for the same reason.
 */
export function randomTensor(seed: number, name: string, size: number, std: number): Float32Array {
  const out = new Float32Array(size);
  let state = (hashString(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  if (state === 0) state = 0x12345678;
  const scale = (2 * std * Math.sqrt(3)) / 4294967296;
  const offset = std * Math.sqrt(3);
  for (let i = 0; i < size; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = (state >>> 0) * scale - offset;
  }
  return out;
}
