/**
 * The model side of the page: which model is chosen (from `?model=`, the last choice or the
 * default), loading it on the chosen backend with progress, and the runtime state (idle /
 * loading-model / ready / generating / error). One load runs at a time; a newer choice waits
 * for the previous load and wins.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type RefObject } from 'react';
import { useBridge } from '../bridge/index.ts';
import { DEFAULT_MODEL_ID, isServedHere, resolveStartModel, type ModelEntry } from '../models/catalog.ts';
import { useModelCatalog, type ModelCatalog } from '../models/useModelCatalog.ts';
import type { Settings } from '../settings/index.ts';
import type { DeviceRequest, LoadProgress, LoadResult } from '../../workers/protocol.ts';
import { describeError } from '../../workers/errors.ts';
import { FrameBatcher } from '../lib/frame-batcher.ts';
import { initialRuntime, runtimeReducer, type RuntimeAction, type RuntimeState } from './runtime-state.ts';

export interface ModelRuntime {
  runtime: RuntimeState;
  dispatchRuntime: (action: RuntimeAction) => void;
  catalog: ModelCatalog;
  selectedModel: ModelEntry | null;
  selectedModelId: string | null;
  selectModel: (id: string) => void;
  /** The selected model on the chosen backend, loading it first if needed. */
  ensureModel: () => Promise<LoadResult>;
}

export function useModelRuntime(
  settings: Settings,
  settingsRef: RefObject<Settings>,
  updateSettings: (patch: Partial<Settings>) => void,
  notify: (text: string, tone?: 'info' | 'warning') => void,
  /** True while an answer is pending or streaming (a backend change then waits). */
  busyRef: RefObject<boolean>,
): ModelRuntime {
  const bridge = useBridge();
  const [runtime, dispatchRuntime] = useReducer(runtimeReducer, initialRuntime);
  const [selectedModelId, setSelectedModelId] = useState<string | null>(null);
  const catalog = useModelCatalog(settings.backend);
  const { refreshCache, models } = catalog;

  const selectedRef = useRef<string | null>(null);
  const modelRef = useRef<LoadResult | null>(null);
  /** The backend the loaded model was asked for (`auto` may have landed on either device). */
  const requestedDeviceRef = useRef<DeviceRequest | null>(null);
  const loadRef = useRef<{ modelId: string; device: DeviceRequest; promise: Promise<LoadResult> } | null>(null);

  const startLoad = useCallback(
    (modelId: string, device: DeviceRequest): Promise<LoadResult> => {
      const current = loadRef.current;
      if (current && current.modelId === modelId && current.device === device) return current.promise;
      dispatchRuntime({ type: 'load-start', modelId, device, at: performance.now() });
      modelRef.current = null;
      // Progress is batched per animation frame, like tokens: the latest of a frame is shown.
      const progressBatcher = new FrameBatcher((progress: LoadProgress) => {
        if (loadRef.current?.promise === promise) dispatchRuntime({ type: 'load-progress', progress, at: performance.now() });
      });
      // One load at a time in the worker: a new choice waits for the previous load to settle.
      const previous = current?.promise.catch(() => undefined) ?? Promise.resolve(undefined);
      const promise: Promise<LoadResult> = previous
        .then(() => bridge.load(modelId, { device }, (progress) => progressBatcher.push(progress)))
        .then(
          (result) => {
            progressBatcher.dispose();
            if (loadRef.current?.promise === promise) {
              modelRef.current = result;
              requestedDeviceRef.current = device;
              dispatchRuntime({ type: 'load-done', model: result });
              refreshCache();
            }
            return result;
          },
          (error: unknown) => {
            progressBatcher.dispose();
            if (loadRef.current?.promise === promise) dispatchRuntime({ type: 'load-fail', error: describeError(error) });
            throw error;
          },
        )
        .finally(() => {
          if (loadRef.current?.promise === promise) loadRef.current = null;
        });
      promise.catch(() => undefined); // a failure shows in the runtime state; nobody has to await
      loadRef.current = { modelId, device, promise };
      return promise;
    },
    [bridge, refreshCache],
  );

  const ensureModel = useCallback((): Promise<LoadResult> => {
    const modelId = selectedRef.current ?? DEFAULT_MODEL_ID;
    const device = settingsRef.current.backend;
    const loaded = modelRef.current;
    if (loaded && !loadRef.current && loaded.modelId === modelId && requestedDeviceRef.current === device) return Promise.resolve(loaded);
    return startLoad(modelId, device);
  }, [settingsRef, startLoad]);

  const selectedModel = useMemo(() => models?.find((entry) => entry.id === selectedModelId) ?? null, [models, selectedModelId]);

  const selectModel = useCallback(
    (id: string) => {
      setSelectedModelId(id);
      selectedRef.current = id;
      updateSettings({ modelId: id });
      const entry = models?.find((candidate) => candidate.id === id);
      const cache = catalog.cache[id];
      const downloaded = Boolean(cache && cache.totalFiles > 0 && cache.cachedFiles === cache.totalFiles);
      // Nothing to download from the Hub: load right away. A Hub download waits for consent.
      if (entry && (isServedHere(entry) || downloaded)) void startLoad(id, settingsRef.current.backend).catch(() => undefined);
    },
    [catalog.cache, models, settingsRef, startLoad, updateSettings],
  );

  // The first model: chosen once the list is known. One served by this site loads at once.
  useEffect(() => {
    if (!models || selectedRef.current) return;
    const start = resolveStartModel(models, new URLSearchParams(location.search).get('model'), settingsRef.current.modelId);
    const entry = models.find((candidate) => candidate.id === start.id);
    if (start.unknownUrlModel !== undefined) {
      notify(`The link asks for a model called “${start.unknownUrlModel}”, which this app does not know. Using ${entry?.name ?? start.id} instead.`, 'warning');
    }
    setSelectedModelId(start.id);
    selectedRef.current = start.id;
    if (entry && isServedHere(entry)) void startLoad(start.id, settingsRef.current.backend).catch(() => undefined);
  }, [models, notify, settingsRef, startLoad]);

  // A backend change applies to the loaded model at once (between answers; else at the next one).
  const backend = settings.backend;
  useEffect(() => {
    const loaded = modelRef.current;
    if (!loaded || busyRef.current || loadRef.current || requestedDeviceRef.current === backend) return;
    void startLoad(loaded.modelId, backend).catch(() => undefined);
  }, [backend, busyRef, startLoad]);

  // After a crash or a lost GPU the bridge starts a fresh worker and reloads the model (on `auto`).
  useEffect(
    () =>
      bridge.onRecovered((result, reason) => {
        modelRef.current = result;
        requestedDeviceRef.current = 'auto';
        dispatchRuntime({ type: 'model-replaced', model: result });
        notify(`The model runtime restarted after a problem (${reason}). It is running on ${result.device === 'webgpu' ? 'WebGPU' : 'the CPU'} now.`, 'warning');
      }),
    [bridge, notify],
  );

  return { runtime, dispatchRuntime, catalog, selectedModel, selectedModelId, selectModel, ensureModel };
}
