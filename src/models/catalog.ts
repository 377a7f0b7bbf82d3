/**
 * The models a person can pick: the curated registry merged with what this site serves
 * (`/models/index.json`), with what each costs to download on the chosen backend. Uses the
 * worker's own load plan (workers/models/load-plan.ts), so the size shown is what it will fetch.
 */
import { planLoad, type DeviceLoad, type GpuSupport } from '../../workers/models/load-plan.ts';
import { modelFileUrl } from '../../workers/models/model-location.ts';
import { DEFAULT_MODEL_ID, fetchOriginIndex, mergeRegistry } from '../../workers/models/registry.ts';
import type { Capabilities, Device, DeviceRequest, DtypeMap, LoadResult, ModelEntry, ModelFile } from '../../workers/protocol.ts';

export { DEFAULT_MODEL_ID, FAMILY_TRAITS, MAX_IMAGES_PER_MESSAGE } from '../../workers/models/registry.ts';
export type { ModelEntry } from '../../workers/protocol.ts';

/** The model the page starts with: `?model=` when known, else the last one used, else the default. */
export function resolveStartModel(models: readonly ModelEntry[], urlModel: string | null, saved: string | null): { id: string; unknownUrlModel?: string } {
  const known = (id: string | null): id is string => id !== null && models.some((entry) => entry.id === id);
  const fallback = known(DEFAULT_MODEL_ID) ? DEFAULT_MODEL_ID : (models[0]?.id ?? DEFAULT_MODEL_ID);
  if (urlModel !== null) return known(urlModel) ? { id: urlModel } : { id: fallback, unknownUrlModel: urlModel };
  return { id: known(saved) ? saved : fallback };
}

export async function loadCatalog(fetchImpl: typeof fetch = fetch): Promise<ModelEntry[]> {
  return mergeRegistry(await fetchOriginIndex('/models/index.json', fetchImpl));
}

/** Where `auto` will run, from what the device offers. */
export function predictDevice(request: DeviceRequest, capabilities: Capabilities | null): Device {
  if (request !== 'auto') return request;
  return capabilities?.webgpu.available ? 'webgpu' : 'wasm';
}

/**
 * What this device offers WebGPU, as the load plan needs it. Until the worker has reported, a
 * backend of `webgpu` is taken at its word (without fp16) and `auto` is taken to mean the CPU.
 */
function gpuSupport(backend: DeviceRequest, capabilities: Capabilities | null): GpuSupport {
  return capabilities?.webgpu ?? { available: backend === 'webgpu', shaderF16: false };
}

/** What loading `entry` on `backend` will fetch (the worker's first attempt); null when it cannot run there. */
export function downloadPlan(entry: ModelEntry, backend: DeviceRequest, capabilities: Capabilities | null): DeviceLoad | null {
  try {
    return planLoad(entry, { device: backend }, gpuSupport(backend, capabilities)).attempts[0] ?? null;
  } catch {
    return null;
  }
}

export function isServedHere(entry: ModelEntry): boolean {
  return entry.source.kind === 'origin';
}


/**
 * How many of the plan's files are already in Cache Storage. Model files are keyed by their URL;
 * every cache of the origin is looked at, so this holds whichever cache the worker stores them in
 * (transformers.js' own 'transformers-cache' or a custom model store).
 */
export async function cachedFileCount(entry: ModelEntry, files: readonly ModelFile[], origin = location.origin): Promise<number> {
  if (typeof caches === 'undefined') return 0;
  const keys = new Set<string>();
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) keys.add(request.url);
  }
  return files.filter((file) => keys.has(modelFileUrl(entry, file.path, origin))).length;
}

/** "WebGPU fp16", "WebGPU fp32", "CPU · WASM · 4 threads". */
export function backendLabel(result: Pick<LoadResult, 'device' | 'dtype' | 'wasmThreads'>): string {
  if (result.device === 'webgpu') {
    const halfPrecision = Object.values(result.dtype).some((dtype) => dtype === 'fp16' || dtype === 'q4f16');
    return `WebGPU ${halfPrecision ? 'fp16' : 'fp32'}`;
  }
  return `CPU · WASM · ${result.wasmThreads} ${result.wasmThreads === 1 ? 'thread' : 'threads'}`;
}

/** "decoder q4f16, vision fp16, embeddings fp16". */
export function dtypeSummary(dtypes: DtypeMap): string {
  return `decoder ${dtypes.decoder_model_merged}, vision ${dtypes.vision_encoder}, embeddings ${dtypes.embed_tokens}`;
}
