import { useCallback, useEffect, useState } from 'react';
import { useBridge } from '../bridge/index.ts';
import type { Capabilities } from '../../workers/protocol.ts';
import { cachedFileCount, downloadPlan, loadCatalog, type ModelEntry } from './catalog.ts';
import type { DeviceRequest } from '../../workers/protocol.ts';

/** How much of a model's download for this device is already in the browser's cache. */
export interface CacheStatus {
  cachedFiles: number;
  totalFiles: number;
}

export interface ModelCatalog {
  /** null until `/models/index.json` has been read. */
  models: ModelEntry[] | null;
  /** null until the worker has reported what this device can do. */
  capabilities: Capabilities | null;
  cache: Record<string, CacheStatus>;
  refreshCache: () => void;
}

/** The model list, this device's capabilities, and which models are already downloaded. */
export function useModelCatalog(backend: DeviceRequest): ModelCatalog {
  const bridge = useBridge();
  const [models, setModels] = useState<ModelEntry[] | null>(null);
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  const [cache, setCache] = useState<Record<string, CacheStatus>>({});
  const [cacheGeneration, setCacheGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    void loadCatalog().then((entries) => !cancelled && setModels(entries));
    bridge.capabilities().then(
      (caps) => !cancelled && setCapabilities(caps),
      (error: unknown) => console.warn('Could not read device capabilities', error),
    );
    return () => {
      cancelled = true;
    };
  }, [bridge]);

  useEffect(() => {
    if (!models) return;
    let cancelled = false;
    void Promise.all(
      models.map(async (entry) => {
        const plan = downloadPlan(entry, backend, capabilities);
        const files = plan?.files ?? [];
        const cachedFiles = await cachedFileCount(entry, files).catch(() => 0);
        return [entry.id, { cachedFiles, totalFiles: files.length }] as const;
      }),
    ).then((statuses) => !cancelled && setCache(Object.fromEntries(statuses)));
    return () => {
      cancelled = true;
    };
  }, [models, capabilities, backend, cacheGeneration]);

  const refreshCache = useCallback(() => setCacheGeneration((n) => n + 1), []);
  return { models, capabilities, cache, refreshCache };
}
