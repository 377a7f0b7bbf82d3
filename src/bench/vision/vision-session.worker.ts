/**
 * The vision encoder alone, in ONNX Runtime Web's WASM backend as the app configures it (our
 * runtime files, the same thread count), with the session options under test: one session per
 * variant (weight format x graph optimisation level), timed frame by frame on the benchmark image.
 * ORT fixes its thread count when its WASM starts, so a worker serves one thread count.
 */
import * as Comlink from 'comlink';
// The same module transformers.js imports (one copy in the bundle): its InferenceSession, which
// transformers.js does not export. Importing transformers.js first applies its ORT defaults.
import { env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import type { VisionSessionVariant, VisionSessionResult } from '../core/types.ts';

/** SmolVLM's processor at detail low for a 512 px image: no resize, pixels to [-1, 1] (mean = std = 0.5). */
function pixelValues(rgb: Uint8Array, size: number): Float32Array {
  const planes = new Float32Array(3 * size * size);
  for (let i = 0; i < size * size; i++) for (let c = 0; c < 3; c++) planes[c * size * size + i] = (rgb[i * 3 + c]! / 255 - 0.5) / 0.5;
  return planes;
}

let reference: Float32Array | null = null;

const api = {
  init(threads: number): number {
    // As the app's worker sets them (workers/runtime/ort-env.ts): our runtime files, `threads` threads.
    const ortBase = new URL('/ort/', location.origin).href;
    const wasm = env.backends.onnx.wasm ?? ort.env.wasm;
    wasm.wasmPaths = { mjs: `${ortBase}ort-wasm-simd-threaded.asyncify.mjs`, wasm: `${ortBase}ort-wasm-simd-threaded.asyncify.wasm` };
    wasm.numThreads = crossOriginIsolated ? threads : 1;
    return ort.env.wasm.numThreads ?? 1;
  },
  /** Creates the session, runs `warmUps` untimed frames and `runs` timed ones; the first variant's output is the reference for the others. */
  async measure(modelUrl: string, variant: VisionSessionVariant, rgb: Uint8Array, size: number, warmUps: number, runs: number): Promise<VisionSessionResult> {
    const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
    const created = performance.now();
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: variant.graphOptimizationLevel });
    const createMs = performance.now() - created;
    try {
      const feeds = {
        pixel_values: new ort.Tensor('float32', pixelValues(rgb, size), [1, 1, 3, size, size]),
        pixel_attention_mask: new ort.Tensor('bool', new Uint8Array(size * size).fill(1), [1, 1, size, size]),
      };
      let features: Float32Array = new Float32Array(0);
      const frameMs: number[] = [];
      for (let i = 0; i < warmUps + runs; i++) {
        const started = performance.now();
        const outputs = await session.run(feeds);
        const ms = performance.now() - started;
        if (i >= warmUps) frameMs.push(ms);
        const output = outputs[session.outputNames[0]!]!;
        features = output.data as Float32Array;
      }
      reference ??= features;
      return { ...variant, threads: ort.env.wasm.numThreads ?? 1, createMs, frameMs, ...compare(features, reference) };
    } finally {
      await session.release();
    }
  },
};

/** Cosine similarity and largest absolute difference of two feature maps. */
function compare(a: Float32Array, b: Float32Array): { cosineToReference: number; maxAbsDiffToReference: number } {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  }
  return { cosineToReference: a.length === b.length ? dot / Math.sqrt(na * nb) : Number.NaN, maxAbsDiffToReference: max };
}

export type VisionSessionWorkerApi = typeof api;
Comlink.expose(api);
