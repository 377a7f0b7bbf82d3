/**
 * The models a person can pick: the curated registry merged with what this site serves
 * (`/models/index.json`), with what each costs to download on this device's backend. Uses the
 * worker's pure registry and dtype policy, so the size shown is the size the worker will fetch.
 */
import { chooseDtypes } from '../../workers/models/dtype-policy.ts';
import { availableDtypes, DEFAULT_MODEL_ID, fetchOriginIndex, filesForDtypes, mergeRegistry } from '../../workers/models/registry.ts';
import type { Capabilities, Device, DeviceRequest, DtypeMap, LoadResult, ModelEntry, ModelFile } from '../../workers/protocol.ts';

export { DEFAULT_MODEL_ID, MAX_IMAGES_PER_MESSAGE } from '../../workers/models/registry.ts';
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

export interface DownloadPlan {
  device: Device;
  dtypes: DtypeMap;
  files: ModelFile[];
  bytes: number;
}

/** What loading `entry` on `device` fetches; null when no published format runs there. */
export function downloadPlan(entry: ModelEntry, device: Device, shaderF16: boolean): DownloadPlan | null {
  try {
    const dtypes = chooseDtypes(availableDtypes(entry), device, shaderF16);
    return { device, dtypes, ...filesForDtypes(entry, dtypes) };
  } catch {
    return null;
  }
}

export function isServedHere(entry: ModelEntry): boolean {
  return entry.source.kind === 'origin';
}

/** The URL transformers.js fetches a model file from; it is also its key in Cache Storage. */
export function fileUrl(entry: ModelEntry, path: string, origin: string): string {
  if (entry.source.kind === 'origin') return new URL(`${entry.source.baseUrl}${path}`, origin).href;
  return `https://huggingface.co/${entry.source.repo}/resolve/${encodeURIComponent(entry.source.revision)}/${path}`;
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
  return files.filter((file) => keys.has(fileUrl(entry, file.path, origin))).length;
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
