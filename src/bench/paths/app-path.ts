/**
 * (a) The full app path: page -> bridge (`window.vlm`) -> model worker -> Comlink streaming ->
 * text on screen. Times are taken on the page, where a person sees them.
 */
import type { VlmBridge } from '../../bridge/vlm-bridge.ts';
import type { DetailName, DecodeRun, PrefillRun } from '../core/types.ts';
import type { LoadOptions, LoadResult } from '../../../workers/protocol.ts';
import { LongTaskWatch } from './long-tasks.ts';
import type { StreamView } from './stream-view.ts';

export async function loadAppPath(
  bridge: VlmBridge,
  modelId: string,
  device: 'wasm' | 'webgpu',
  threads: number,
  dtype?: LoadOptions['dtype'],
): Promise<{ ms: number; result: LoadResult }> {
  const started = performance.now();
  const result = await bridge.load(modelId, { device, wasmThreads: threads, ...(dtype ? { dtype } : {}) }, () => undefined);
  return { ms: performance.now() - started, result };
}

export interface AppAnswer {
  prefill: Omit<PrefillRun, 'plan' | 'detail'> & { imageTokens: number; framesEncoded: number };
  decode: DecodeRun;
  streaming: { from: number; to: number; longestTaskMs: number; tasksOver50Ms: number; pieces: number; domUpdates: number };
}

let question = 0;

/** One question about `image` from a fresh conversation (no KV cache reuse). */
export async function askAppPath(
  bridge: VlmBridge,
  image: Blob,
  prompt: string,
  detail: DetailName,
  maxNewTokens: number,
  view: StreamView,
): Promise<AppAnswer> {
  await bridge.reset();
  view.reset();
  const watch = new LongTaskWatch();
  const pieceTimes: number[] = [];
  // When a person sees each token: the arrival of the piece that carries it (the worker batches
  // tokens into one piece while the page is busy).
  const tokenTimes: number[] = [];
  const started = performance.now();
  const result = await bridge.generate(
    [{ role: 'user', text: prompt, images: [{ id: `bench-${++question}`, blob: image }] }],
    { maxNewTokens, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail },
    (piece, tokens) => {
      const now = performance.now();
      pieceTimes.push(now);
      for (let i = 0; i < tokens; i++) tokenTimes.push(now);
      view.append(piece);
    },
  );
  const ended = performance.now();
  view.flush();
  watch.stop();
  if (result.error) throw new Error(`The app path failed: ${result.error.name}: ${result.error.message}`);
  const t = result.timings;
  const firstPiece = pieceTimes[0] ?? ended;
  const tasks = watch.between(firstPiece, ended);
  const tokenTimesMs = tokenTimes.map((time) => time - started);
  return {
    prefill: {
      promptTokens: t.promptTokens,
      imageTokens: t.imageTokens,
      framesEncoded: t.imagesEncoded,
      preprocessMs: t.imagePreprocessMs,
      visionEncodeMs: t.visionEncodeMs,
      prefillMs: t.prefillMs,
      timeToFirstTokenMs: firstPiece - started,
    },
    decode: { tokenTimesMs, tokenIds: result.tokenIds, ...(result.tokenIds.length > 1 ? { workerTokensPerSecond: t.decodeTokensPerSecond } : {}) },
    streaming: {
      from: firstPiece,
      to: ended,
      longestTaskMs: tasks.longestMs,
      tasksOver50Ms: tasks.over50,
      pieces: pieceTimes.length,
      domUpdates: view.updates,
    },
  };
}
