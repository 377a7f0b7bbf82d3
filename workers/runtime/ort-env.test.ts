import { describe, expect, it } from 'vitest';
import { wasmSessionOptions } from './ort-env.ts';

const NO_SPINNING = { extra: { session: { intra_op: { allow_spinning: '0' } } } };

describe('wasmSessionOptions', () => {
  it("turns ONNX Runtime's idle spinning off when its WASM threads take every core", () => {
    expect(wasmSessionOptions('wasm', 2, 2)).toEqual(NO_SPINNING);
    expect(wasmSessionOptions('wasm', 4, 4)).toEqual(NO_SPINNING);
    // Capped thread counts on a machine reporting fewer cores than threads asked for.
    expect(wasmSessionOptions('wasm', 4, 2)).toEqual(NO_SPINNING);
  });

  it("keeps ORT's defaults with a core to spare, with one thread (no pool), and on WebGPU", () => {
    expect(wasmSessionOptions('wasm', 2, 4)).toBeUndefined();
    expect(wasmSessionOptions('wasm', 1, 1)).toBeUndefined();
    expect(wasmSessionOptions('wasm', 1, 2)).toBeUndefined();
    expect(wasmSessionOptions('webgpu', 2, 2)).toBeUndefined();
  });
});
