/**
 * The worker's verified model store, plugged into transformers.js as its cache and fetch (see
 * store.ts). `beginModelLoad` is called by a model family around its `from_pretrained` calls.
 */
import type { ModelEntry } from '../protocol.ts';
import { env, type ProgressInfo } from '@huggingface/transformers';
import { defaultLocks } from './locks.ts';
import { VerifiedModelStore } from './store.ts';

export { VerifiedModelStore, type LoadContext, type StorageState, type StoreDeps } from './store.ts';
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

/** The URL prefix transformers.js builds for a model's files (hub.js buildResourcePaths + pathJoin). */
export function transformersBaseUrl(repo: { name: string; revision: string }): string {
  const path = env.remotePathTemplate.replaceAll('{model}', repo.name).replaceAll('{revision}', encodeURIComponent(repo.revision));
  return `${env.remoteHost.replace(/\/$/, '')}/${path.replace(/^\//, '').replace(/\/$/, '')}/`;
}

/**
 * Routes transformers.js' downloads and cache through the verified store for one model load
 * (after `env.remoteHost`/`remotePathTemplate` point at the model). Returns the call that ends it.
 */
export function beginModelLoad(entry: ModelEntry, repo: { name: string; revision: string }, onProgress?: (info: ProgressInfo) => void): () => void {
  env.useCustomCache = true;
  env.customCache = modelStore;
  env.fetch = modelStore.fetch;
  return modelStore.begin({ entry, baseUrl: transformersBaseUrl(repo), progressName: repo.name, ...(onProgress ? { onProgress } : {}) });
}
