import { describe, expect, it } from 'vitest';
import { Tensor } from '@huggingface/transformers';
import { logitsLayout, runWithLastLogitsRow } from './gpu-logits.ts';
import type { OrtSession, OrtTensor } from './ort-types.ts';

// The real path runs on SwiftShader in e2e/runtime.spec.ts ("reads back only the last logits row");
// here a device made of ArrayBuffers checks the byte arithmetic, float16 with an odd vocabulary
// included (its rows do not start on the 4-byte bounds a GPU copy needs).

/** A GPU of ArrayBuffers: buffers, copies, a queue that runs at once, mapping. */
function fakeDevice() {
  const made: { bytes: Uint8Array; destroyed: boolean }[] = [];
  const device = {
    createBuffer({ size }: { size: number }) {
      if (size % 4) throw new Error(`buffer size ${size} is not a multiple of 4`);
      const entry = { bytes: new Uint8Array(size), destroyed: false };
      made.push(entry);
      return { entry, destroy: () => (entry.destroyed = true), mapAsync: async () => undefined, getMappedRange: () => entry.bytes.buffer };
    },
    createCommandEncoder() {
      const copies: (() => void)[] = [];
      return {
        copyBufferToBuffer(source: { entry: { bytes: Uint8Array } }, from: number, target: { entry: { bytes: Uint8Array } }, to: number, size: number) {
          if (from % 4 || to % 4 || size % 4) throw new Error('copies must be on 4-byte bounds');
          copies.push(() => target.entry.bytes.set(source.entry.bytes.subarray(from, from + size), to));
        },
        finish: () => copies,
      };
    },
    queue: { submit: (lists: (() => void)[][]) => lists.flat().forEach((copy) => copy()) },
  };
  return { device: device as unknown as GPUDevice, made };
}

/** A decoder whose logits row r holds r + column / 1000 (as float32 or as float16 bit patterns). */
function fakeDecoder(type: 'float32' | 'float16', vocabulary: number) {
  const feed = new Tensor('float32', new Float32Array(1), [1]).ort_tensor as OrtTensor;
  const TensorClass = feed.constructor as typeof OrtTensor & { fromGpuBuffer: unknown };
  const session = {
    inputNames: ['inputs_embeds'],
    outputNames: ['logits', 'present.0.key'],
    outputMetadata: [
      { name: 'logits', isTensor: true, type, shape: ['batch_size', 'sequence_length', vocabulary] },
      { name: 'present.0.key', isTensor: true, type, shape: ['batch_size', 2, 'total', 4] },
    ],
    async run(_feeds: unknown, fetches: Record<string, { gpuBuffer: { entry: { bytes: Uint8Array } }; dims: number[] } | null>) {
      const logits = fetches['logits']!;
      const rows = logits.dims[1]!;
      const values = new Float32Array(rows * vocabulary).map((_, i) => Math.floor(i / vocabulary) + (i % vocabulary) / 1000);
      const bytes = type === 'float32' ? new Uint8Array(values.buffer) : new Uint8Array(Uint16Array.from(values, (v) => Math.round(v * 100)).buffer);
      logits.gpuBuffer.entry.bytes.set(bytes);
      return { logits, 'present.0.key': feed };
    },
  } as unknown as OrtSession;
  return { session, feeds: { inputs_embeds: feed }, TensorClass };
}

describe('runWithLastLogitsRow', () => {
  it.each([
    ['float32', 5],
    ['float16', 5],
    ['float16', 8],
  ] as const)('returns the last row only (%s, vocabulary %i) and frees its buffers', async (type, vocabulary) => {
    const { device, made } = fakeDevice();
    const { session, feeds } = fakeDecoder(type, vocabulary);
    const layout = logitsLayout(session)!;
    expect(layout).toEqual({ type, vocabulary });

    const { outputs, bytesRead } = await runWithLastLogitsRow(session, feeds, device, 3, layout);

    const logits = outputs['logits']!;
    expect(logits.location).toBe('cpu');
    expect(logits.dims).toEqual([1, 1, vocabulary]);
    const expected = Array.from({ length: vocabulary }, (_, column) => 2 + column / 1000);
    if (type === 'float32') expect([...(logits.data as Float32Array)].map((v) => +v.toFixed(3))).toEqual(expected);
    else expect([...(logits.data as Uint16Array)]).toEqual(expected.map((v) => Math.round(v * 100)));
    expect(bytesRead).toBe(vocabulary * (type === 'float32' ? 4 : 2));
    expect(outputs['present.0.key']).toBeDefined();
    expect(made.every((buffer) => buffer.destroyed)).toBe(true);
  });

  it('has no layout to work with when the graph does not state the vocabulary, or its logits come out of an If branch', () => {
    const logits = (vocabulary: number | string) => ({ name: 'logits', isTensor: true, type: 'float32', shape: ['batch', 'seq', vocabulary] });
    const session = (inputNames: string[], vocabulary: number | string) => ({ inputNames, outputNames: ['logits'], outputMetadata: [logits(vocabulary)] }) as unknown as OrtSession;
    expect(logitsLayout(session(['inputs_embeds'], 'vocab'))).toBeNull();
    // A merged encoder-decoder: ONNX Runtime leaves a pre-allocated output of its If branch unfilled.
    expect(logitsLayout(session(['inputs_embeds', 'use_cache_branch'], 49_280))).toBeNull();
    expect(logitsLayout(session(['inputs_embeds'], 49_280))).toEqual({ type: 'float32', vocabulary: 49_280 });
  });
});
