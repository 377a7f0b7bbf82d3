/**
 * A whole benchmark from inside the browser (the in-app page): the suite on one backend, then
 * warm loads, summarised into the same report `npm run bench` writes (without the native path,
 * which only Node can run).
 */
import type { VlmBridge } from '../bridge/vlm-bridge.ts';
import type { DtypeMap } from '../../workers/protocol.ts';
import { MODEL_CACHE_NAME } from '../../workers/models/model-cache.ts';
import { buildBackendResult } from './core/report.ts';
import type { BenchReport, BenchSettings } from './core/types.ts';
import type { StreamView } from './paths/stream-view.ts';
import type { BrowserPath } from './core/types.ts';
import { measureLoads, runSuite, type Log } from './suite.ts';

export interface BrowserBenchOptions {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  settings: BenchSettings;
  paths: BrowserPath[];
  bandwidth: boolean;
}

/** Whether a cache already holds this model's decoder (so loading it is a warm load). */
async function isCached(cacheName: string, modelBaseUrl: string): Promise<boolean> {
  if (typeof caches === 'undefined' || !(await caches.has(cacheName))) return false;
  const base = new URL(modelBaseUrl, location.origin).href;
  const keys = await (await caches.open(cacheName)).keys();
  return keys.some((request) => request.url.startsWith(base) && request.url.includes('decoder_model_merged'));
}

export async function runBrowserBench(bridge: VlmBridge, options: BrowserBenchOptions, view: StreamView, log: Log): Promise<BenchReport> {
  const started = performance.now();
  const entry = (await bridge.listModels()).find((candidate) => candidate.id === options.modelId);
  if (!entry) throw new Error(`Unknown model ${options.modelId}.`);
  const base = entry.source.kind === 'origin' ? entry.source.baseUrl : `https://huggingface.co/${entry.source.repo}/`;
  // The app keeps models in its verified store, bare transformers.js in its own cache. A first load
  // counts as cold or warm only when both paths meet the same state; this page never empties them.
  const cached = await Promise.all([isCached(MODEL_CACHE_NAME, base), isCached('transformers-cache', base)]);
  const firstLoad = cached.every(Boolean) ? 'warm' : cached.some(Boolean) ? 'skip' : 'cold';
  const suite = await runSuite(bridge, { ...options, firstLoad }, view, log);
  log('warm loads (from the cache)');
  const loads = await measureLoads(
    bridge,
    { modelId: options.modelId, device: options.device, threads: options.threads, dtype: suite.backend.dtype as Partial<DtypeMap>, paths: options.paths, count: options.settings.loadRuns },
    view,
    log,
  );
  for (const path of options.paths) suite.runs[path]?.loads.warmMs.push(...loads[path]);
  const backend = buildBackendResult(suite, { nativeNote: '(c) onnxruntime-node: only in `npm run bench`' });
  const memory = (navigator as unknown as { deviceMemory?: number }).deviceMemory;
  return {
    schema: 'vlm-bench/1',
    createdAt: new Date().toISOString(),
    model: { id: entry.id, name: entry.name },
    settings: options.settings,
    conditions: {
      cpu: 'not reported by the browser',
      cores: navigator.hardwareConcurrency || 1,
      memoryBytes: memory ? memory * 2 ** 30 : Number.NaN,
      loadAverage: null,
      browser: navigator.userAgent,
      userAgent: navigator.userAgent,
      crossOriginIsolated,
      note: 'measured on this device by the in-app benchmark page',
    },
    backends: [backend],
    durationMs: performance.now() - started,
  };
}
