/**
 * The two browser paths behind one small interface, so the suite can load, ask and free either
 * the same way: (a) through the app's bridge, (b) through the bare transformers.js worker.
 */
import type { VlmBridge } from '../../bridge/vlm-bridge.ts';
import type { DtypeMap, LoadOptions, ModelEntry } from '../../../workers/protocol.ts';
import type { BareSource } from '../bare/bare.worker.ts';
import type { BrowserPath, DecodeRun, DetailName, DetailPlan, PrefillRun } from '../core/types.ts';
import { askAppPath, loadAppPath } from './app-path.ts';
import { BarePath } from './bare-path.ts';
import type { StreamView } from './stream-view.ts';

export interface Streaming {
  from: number;
  to: number;
  longestTaskMs: number;
  tasksOver50Ms: number;
  pieces: number;
  domUpdates: number;
}

export interface PathAnswer {
  prefill: PrefillRun;
  decode: DecodeRun;
  /** App path only: the main thread while the answer streamed. */
  streaming?: Streaming;
}

export interface PathDriver {
  readonly path: BrowserPath;
  /** Loads the model; resolves with the wall time (ms) and the dtypes in use. */
  load(): Promise<{ ms: number; dtype: DtypeMap; wasmThreads: number }>;
  /** One question about `image` (the suite gives each question its own bytes, the same to both paths). */
  ask(detail: DetailName, plan: DetailPlan, maxNewTokens: number, image: Blob): Promise<PathAnswer>;
  /** KV-cache bytes per position (bare path reads it from the model config). */
  kvBytesPerPosition(): number | null;
  /** ONNX Runtime's WASM memory, where this path can see it. */
  wasmMemoryBytes(): Promise<number | undefined>;
  dispose(): Promise<void>;
}

export interface DriverContext {
  bridge: VlmBridge;
  entry: ModelEntry;
  device: 'wasm' | 'webgpu';
  threads: number;
  prompt: string;
  view: StreamView;
}

export function appDriver(context: DriverContext, dtype?: LoadOptions['dtype']): PathDriver {
  const { bridge, entry, device, threads } = context;
  return {
    path: 'app',
    async load() {
      // A fresh worker per load, as a page (re)load gets.
      bridge.dispose();
      const { ms, result } = await loadAppPath(bridge, entry.id, device, threads, dtype);
      return { ms, dtype: result.dtype, wasmThreads: result.wasmThreads };
    },
    async ask(detail, plan, maxNewTokens, image) {
      const answer = await askAppPath(bridge, image, context.prompt, detail, maxNewTokens, context.view);
      const { imageTokens, framesEncoded: _framesEncoded, ...prefill } = answer.prefill;
      return { prefill: { detail, plan: { ...plan, imageTokens }, ...prefill }, decode: answer.decode, streaming: answer.streaming };
    },
    kvBytesPerPosition: () => null,
    wasmMemoryBytes: async () => undefined,
    async dispose() {
      await bridge.unload().catch(() => undefined);
      bridge.dispose();
    },
  };
}

function bareSource(entry: ModelEntry): BareSource {
  return entry.source.kind === 'origin' ? { kind: 'origin', baseUrl: entry.source.baseUrl } : { kind: 'hub', repo: entry.source.repo, revision: entry.source.revision };
}

/** The bare path loads exactly the dtypes the app chose, so both read the same files. */
export function bareDriver(context: DriverContext, dtype: DtypeMap): PathDriver {
  const { entry, device, threads } = context;
  let bare: BarePath | null = null;
  let kv: number | null = null;
  return {
    path: 'bare',
    async load() {
      bare?.dispose();
      bare = new BarePath();
      const loaded = await bare.load({ source: bareSource(entry), modelId: entry.id, family: entry.family, device, threads, dtype });
      kv = loaded.kvBytesPerPosition;
      return { ms: loaded.ms, dtype, wasmThreads: device === 'wasm' && crossOriginIsolated ? threads : 1 };
    },
    async ask(detail, plan, maxNewTokens, image) {
      if (!bare) throw new Error('Load the bare path first.');
      const { tokenTimesMs, tokenIds, ...prefill } = await bare.remote.generate(image, context.prompt, plan, maxNewTokens);
      return { prefill: { detail, ...prefill }, decode: { tokenTimesMs, tokenIds } };
    },
    kvBytesPerPosition: () => kv,
    async wasmMemoryBytes() {
      const bytes = bare ? await bare.remote.wasmMemoryBytes() : 0;
      return bytes > 0 ? bytes : undefined;
    },
    async dispose() {
      await bare?.remote.unload().catch(() => undefined);
      bare?.dispose();
      bare = null;
    },
  };
}
