/** "Update available — Reload": the only way a new version replaces the running one. */
import { useState, useSyncExternalStore } from 'react';
import type { ApplyOutcome, PwaController } from './service-worker.ts';

export interface UpdatePromptProps {
  pwa: PwaController;
}

export function UpdatePrompt({ pwa }: UpdatePromptProps) {
  const state = useSyncExternalStore(
    (onChange) => pwa.subscribe(onChange),
    () => pwa.state(),
  );
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  if (state.kind === 'current') return null;
  return (
    <div className="pwa-update" role="status">
      <span>{outcome === 'busy' ? 'Update available — reload when the answer is finished.' : 'Update available.'}</span>
      <button type="button" disabled={state.kind === 'reloading'} onClick={() => void pwa.applyUpdate().then(setOutcome)}>
        {state.kind === 'reloading' ? 'Reloading…' : 'Reload'}
      </button>
    </div>
  );
}
