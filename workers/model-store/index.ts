/**
 * The worker's verified model store, plugged into transformers.js as its cache and fetch (see
 * store.ts). `beginModelLoad` wraps every family's `from_pretrained` calls (runtime/transformers-load.ts).
 */
import { env, type ProgressInfo } from '@huggingface/transformers';
import { locationBaseUrl, type ModelLocation } from '../models/model-location.ts';
import type { ModelEntry } from '../protocol.ts';
import { defaultLocks } from './locks.ts';
import { VerifiedModelStore, type StoreLoad } from './store.ts';

export { VerifiedModelStore, type LoadContext, type StorageState, type StoreDeps, type StoreLoad } from './store.ts';
export { downloadVerified, INTEGRITY_ATTEMPTS } from './download.ts';
export type { ExpectedFile } from './verify.ts';

// Read through globalThis: unit tests import the model families in Node, which has no navigator.
const workerNavigator = (globalThis as { navigator?: { onLine: boolean; storage?: StorageManager } }).navigator;

/** The one store of this worker. */
export const modelStore = new VerifiedModelStore({
  caches: typeof caches === 'undefined' ? undefined : caches,
  locks: defaultLocks(),
  fetch: (url, init) => fetch(url, init),
  isOnline: () => workerNavigator?.onLine ?? true,
  ...(workerNavigator?.storage?.estimate ? { estimate: () => workerNavigator.storage!.estimate() } : {}),
});

/**
 * Routes transformers.js' downloads and cache through the verified store for one model load
 * at `location` (where transformers.js was pointed).
 */
export function beginModelLoad(entry: ModelEntry, location: ModelLocation, onProgress?: (info: ProgressInfo) => void): StoreLoad {
  env.useCustomCache = true;
  env.customCache = modelStore;
  env.fetch = modelStore.fetch;
  return modelStore.begin({ entry, baseUrl: locationBaseUrl(location), progressName: location.name, ...(onProgress ? { onProgress } : {}) });
}
