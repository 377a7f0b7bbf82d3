/**
 * ONNX Runtime settings for this worker: runtime files from our own origin (transformers.js
 * points at a CDN by default), and as many WASM threads as the machine allows when the page is
 * cross-origin isolated (ORT's own default is half the cores, capped at 4). Sessions keep ORT's
 * default graph optimisation ('all'): for the vision encoder 'extended' and 'basic' measured the
 * same within the noise, with the same features (issue 12, docs/performance.md). When ORT's threads
 * take every core, they do not spin while idle (wasmSessionOptions).
 */
import { env } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-common';
import { MAX_WASM_THREADS } from '../protocol.ts';

export const ORT_ASSET_BASE = '/ort/';

export { MAX_WASM_THREADS };

/** Threads we give ORT's WASM backend: all cores (capped at MAX_WASM_THREADS), or 1 without SharedArrayBuffer. */
export function defaultWasmThreads(): number {
  if (!self.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, navigator.hardwareConcurrency || 1));
}

export function configureOnnxRuntime(wasmThreads: number): void {
  const onnx = env.backends.onnx;
  const base = new URL(ORT_ASSET_BASE, self.location.origin).href;
  if (onnx.wasm) {
    onnx.wasm.wasmPaths = {
      mjs: `${base}ort-wasm-simd-threaded.asyncify.mjs`,
      wasm: `${base}ort-wasm-simd-threaded.asyncify.wasm`,
    };
    onnx.wasm.numThreads = self.crossOriginIsolated ? wasmThreads : 1;
  }
  // Models come from our origin or the Hub, as the registry says per load (runtime/transformers-load.ts
  // points transformers.js at workers/models/model-location.ts' URLs).
  env.allowLocalModels = false;
  env.useBrowserCache = typeof caches !== 'undefined';
}

/** Threads ORT's WASM backend is set to use. */
export function configuredWasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}

/**
 * Session options for a model on `device` with `wasmThreads` WASM threads on `cores` logical cores.
 *
 * ONNX Runtime's intra-op threads spin between parallel sections before they sleep. When they take
 * every core, that spinning takes the CPU from the page drawing the answer and from the worker's
 * own work between decoding steps, and each parallel section then waits for its slowest thread.
 * Measured on 2 cores with 2 threads (docs/performance.md, "Issue 12, session 8"): the app's decode
 * time per token against bare transformers.js went from 1.07-1.16x (median 1.10) to 0.99-1.09x
 * (median 1.03) with spinning off, the vision encoder no slower. With a core to spare (or one thread, no pool) ORT's default stays.
 */
export function wasmSessionOptions(device: 'wasm' | 'webgpu', wasmThreads: number, cores: number): InferenceSession.SessionOptions | undefined {
  if (device !== 'wasm' || wasmThreads < 2 || wasmThreads < cores) return undefined;
  return { extra: { session: { intra_op: { allow_spinning: '0' } } } };
}
