/**
 * Page-side view of the models the worker's verified store keeps in Cache Storage (the layout is
 * workers/models/model-cache.ts), the browser's storage quota, and persistent storage.
 */
import { planLoad } from '../../workers/models/load-plan.ts';
import { MODEL_CACHE_HEADERS, MODEL_CACHE_NAME } from '../../workers/models/model-cache.ts';
import type { Capabilities, LoadOptions, ModelEntry, ModelFile } from '../../workers/protocol.ts';

/** A model with at least one file stored. */
export interface StoredModel {
  id: string;
  name: string;
  /** Bytes of the stored files (what the model takes on disk, give or take the browser's overhead). */
  bytes: number;
  files: { path: string; bytes: number }[];
}

export type ModelStorageStatus = { available: true } | { available: false; reason: string };

/** Whether downloaded models can be kept here, and if not, why (private window, iframe without storage). */
export async function modelStorageStatus(): Promise<ModelStorageStatus> {
  if (typeof caches === 'undefined') return { available: false, reason: 'This browser offers no Cache Storage here, so models are downloaded on every visit.' };
  try {
    await caches.open(MODEL_CACHE_NAME);
    return { available: true };
  } catch (error) {
    return {
      available: false,
      reason: `The browser refuses storage here (${(error as Error).message}), as private windows and embedded frames often do, so models are downloaded on every visit.`,
    };
  }
}

async function openModelCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE_NAME);
  } catch {
    return null;
  }
}

const decode = (value: string | null) => (value === null ? '' : decodeURIComponent(value));

/** Every model with files in the store, largest first. */
export async function listStoredModels(): Promise<StoredModel[]> {
  const cache = await openModelCache();
  if (!cache) return [];
  const models = new Map<string, StoredModel>();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    const headers = response.headers;
    // Bodies stay on disk: only the headers are read.
    void response.body?.cancel().catch(() => undefined);
    if (headers.has(MODEL_CACHE_HEADERS.missing)) continue;
    const id = headers.get(MODEL_CACHE_HEADERS.modelId);
    if (!id) continue;
    const model = models.get(id) ?? { id, name: decode(headers.get(MODEL_CACHE_HEADERS.modelName)) || id, bytes: 0, files: [] };
    const bytes = Number(headers.get('content-length') ?? 0) || 0;
    model.files.push({ path: decode(headers.get(MODEL_CACHE_HEADERS.file)), bytes });
    model.bytes += bytes;
    models.set(id, model);
  }
  return [...models.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Deletes every stored file of a model; resolves with the number of entries removed. */
export async function deleteStoredModel(id: string): Promise<number> {
  const cache = await openModelCache();
  if (!cache) return 0;
  let removed = 0;
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    void response?.body?.cancel().catch(() => undefined);
    if (response?.headers.get(MODEL_CACHE_HEADERS.modelId) === id && (await cache.delete(request))) removed++;
  }
  return removed;
}

/** `navigator.storage.estimate()`, or null where the browser does not tell. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const estimate = await navigator.storage?.estimate();
    return estimate?.quota ? { usage: estimate.usage ?? 0, quota: estimate.quota } : null;
  } catch {
    return null;
  }
}

/** Whether the browser promised not to evict this site's storage under pressure. */
export async function isStoragePersistent(): Promise<boolean> {
  try {
    return (await navigator.storage?.persisted?.()) ?? false;
  } catch {
    return false;
  }
}

/** Asks for persistent storage (browsers may grant it silently, prompt, or refuse). */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

/** What loading a model as planned would download, and how much of it is not stored yet. */
export interface DownloadStatus {
  files: ModelFile[];
  bytes: number;
  missing: ModelFile[];
  missingBytes: number;
}

/**
 * The files the worker will fetch for `entry` loaded as `request` says (the backend the person
 * chose; the worker's own load plan), and which of them are not in the store yet. `capabilities`
 * comes from `bridge.capabilities()`. Rejects when the model cannot run on that backend.
 */
export async function downloadStatus(
  entry: ModelEntry,
  request: Pick<LoadOptions, 'device' | 'dtype'>,
  capabilities: Pick<Capabilities, 'webgpu'>,
): Promise<DownloadStatus> {
  const [first] = planLoad(entry, request, capabilities.webgpu).attempts;
  const { files, bytes } = first!;
  const stored = new Set((await listStoredModels()).find((model) => model.id === entry.id)?.files.map((file) => file.path) ?? []);
  const missing = files.filter((file) => !stored.has(file.path));
  return { files, bytes, missing, missingBytes: missing.reduce((sum, file) => sum + file.size, 0) };
}
