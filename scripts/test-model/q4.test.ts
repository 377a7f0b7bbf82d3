import { describe, expect, it } from 'vitest';
import { quantize4Bit, Q4_BLOCK_SIZE } from './graph-builder.js';

/** MatMulNBits' dequantization: (nibble - 8) * scale, B transposed to [N][blocks][16 bytes]. */
function dequantize(data: Uint8Array, scales: Float32Array, k: number, n: number): Float32Array {
  const blocks = k / Q4_BLOCK_SIZE;
  const w = new Float32Array(k * n);
  for (let col = 0; col < n; col++) {
    for (let row = 0; row < k; row++) {
      const block = Math.floor(row / Q4_BLOCK_SIZE);
      const byte = data[(col * blocks + block) * (Q4_BLOCK_SIZE / 2) + ((row % Q4_BLOCK_SIZE) >> 1)]!;
      const nibble = row % 2 === 0 ? byte & 0x0f : byte >> 4;
      w[row * n + col] = (nibble - 8) * scales[col * blocks + block]!;
    }
  }
  return w;
}

describe('q4 (MatMulNBits) weights', () => {
  it('packs two weights per byte, block-wise per output column, within half a step of the original', () => {
    const k = 64;
    const n = 3;
    const w = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.37) * (1 + (i % n)));
    const { data, scales } = quantize4Bit(w, k, n);
    expect(data.length).toBe((n * k) / 2);
    expect(scales.length).toBe((n * k) / Q4_BLOCK_SIZE);
    const back = dequantize(data, scales, k, n);
    for (let i = 0; i < w.length; i++) {
      const scale = scales[(i % n) * (k / Q4_BLOCK_SIZE) + Math.floor(Math.floor(i / n) / Q4_BLOCK_SIZE)]!;
      expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
    }
  });

  it('refuses a K that is not a whole number of blocks', () => {
    expect(() => quantize4Bit(new Float32Array(40 * 2), 40, 2)).toThrow(/multiple of the block size/);
  });
});
