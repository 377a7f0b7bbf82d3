/**
 * "Models & storage": each downloaded model with its size on disk and a delete button, what the
 * browser grants this site (`navigator.storage.estimate()`), and a button asking for persistent
 * storage. Chat history lives elsewhere (IndexedDB) and is never touched here.
 */
import { useCallback, useEffect, useState } from 'react';
import { formatBytes } from '../lib/format.ts';
import {
  deleteStoredModel,
  isStoragePersistent,
  listStoredModels,
  modelStorageStatus,
  requestPersistentStorage,
  storageEstimate,
  type ModelStorageStatus,
  type StoredModel,
} from './storage.ts';

export interface ModelsStoragePanelProps {
  /** The model loaded right now: deleting its files keeps the copy in memory until reload. */
  loadedModelId?: string | null;
  /** Called after a model's files were deleted (refresh a model picker's "downloaded" marks). */
  onDeleted?: (modelId: string) => void;
}

interface PanelState {
  status: ModelStorageStatus;
  models: StoredModel[];
  estimate: { usage: number; quota: number } | null;
  persistent: boolean;
}

async function readState(): Promise<PanelState> {
  const [status, models, estimate, persistent] = await Promise.all([modelStorageStatus(), listStoredModels(), storageEstimate(), isStoragePersistent()]);
  return { status, models, estimate, persistent };
}

export function ModelsStoragePanel({ loadedModelId = null, onDeleted }: ModelsStoragePanelProps) {
  const [state, setState] = useState<PanelState | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [persistAnswer, setPersistAnswer] = useState<string | null>(null);

  const refresh = useCallback(async () => setState(await readState()), []);
  useEffect(() => {
    let live = true;
    void readState().then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, []);

  const remove = async (model: StoredModel) => {
    setDeleting(model.id);
    try {
      await deleteStoredModel(model.id);
      onDeleted?.(model.id);
    } finally {
      setDeleting(null);
      await refresh();
    }
  };

  const persist = async () => {
    const granted = await requestPersistentStorage();
    setPersistAnswer(granted ? 'The browser will keep downloaded models unless you delete them.' : 'The browser declined; it may remove models when disk space runs low.');
    await refresh();
  };

  return (
    <section className="pwa-storage" aria-labelledby="pwa-storage-title">
      <h2 id="pwa-storage-title">Models &amp; storage</h2>
      {!state ? (
        <p>Reading storage…</p>
      ) : (
        <>
          {!state.status.available && <p className="pwa-storage-warning">Models are not saved on this device: {state.status.reason}</p>}
          {state.models.length === 0 ? (
            <p>No model is downloaded yet.</p>
          ) : (
            <ul className="pwa-storage-models">
              {state.models.map((model) => (
                <li key={model.id}>
                  <span className="pwa-storage-model-name">{model.name}</span>{' '}
                  <span className="pwa-storage-model-size">{formatBytes(model.bytes)}</span>
                  {model.id === loadedModelId && <span className="pwa-storage-model-note"> (in use; stays loaded until you reload)</span>}{' '}
                  <button type="button" onClick={() => void remove(model)} disabled={deleting !== null} aria-label={`Delete ${model.name}`}>
                    {deleting === model.id ? 'Deleting…' : 'Delete'}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <p className="pwa-storage-estimate">
            {state.estimate
              ? `This site uses ${formatBytes(state.estimate.usage)} of the ${formatBytes(state.estimate.quota)} the browser grants it.`
              : 'The browser does not say how much space it grants this site.'}
          </p>
          <p className="pwa-storage-persist">
            {state.persistent ? (
              'Storage is persistent: the browser will not remove models on its own.'
            ) : (
              <button type="button" onClick={() => void persist()}>
                Keep storage persistent
              </button>
            )}
          </p>
          {persistAnswer && <p role="status">{persistAnswer}</p>}
        </>
      )}
    </section>
  );
}
