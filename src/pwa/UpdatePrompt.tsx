/**
 * "Update available — Reload": the only way a new version replaces the running one. During an
 * answer the button says "Reload when the answer is finished", and the reload then waits for it:
 * reloading mid-answer would cut it short.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { PwaController } from './service-worker.ts';

export interface UpdatePromptProps {
  pwa: PwaController;
  /** An answer is being produced (its model loading, or tokens arriving). */
  answering: boolean;
}

/** How soon to ask again when the worker still reports the answer's run a moment after the page saw it end. */
const BUSY_RETRY_MS = 250;

export function UpdatePrompt({ pwa, answering }: UpdatePromptProps) {
  const state = useSyncExternalStore(
    (onChange) => pwa.subscribe(onChange),
    () => pwa.state(),
  );
  const [requested, setRequested] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!requested || answering || state.kind !== 'available') return;
    let current = true;
    void pwa.applyUpdate().then((outcome) => {
      if (!current) return;
      if (outcome === 'busy') setTimeout(() => current && setAttempt((count) => count + 1), BUSY_RETRY_MS);
      if (outcome === 'no-update') setRequested(false);
    });
    return () => {
      current = false;
    };
  }, [requested, answering, state.kind, pwa, attempt]);

  if (state.kind === 'current') return null;
  const waiting = requested && answering;
  const reloading = state.kind === 'reloading' || (requested && !answering);
  return (
    <div className="pwa-update" role="status">
      <span>{waiting ? 'Update available. The page reloads when the answer is finished.' : 'Update available.'}</span>
      {waiting ? (
        <button type="button" onClick={() => setRequested(false)}>
          Don’t reload
        </button>
      ) : (
        <button type="button" disabled={reloading} onClick={() => setRequested(true)}>
          {reloading ? 'Reloading…' : answering ? 'Reload when the answer is finished' : 'Reload'}
        </button>
      )}
    </div>
  );
}
