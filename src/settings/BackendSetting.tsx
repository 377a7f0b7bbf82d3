/** Where the model runs: automatic, WebGPU or the CPU. */
import { useEffect, useId, useState } from 'react';
import { deviceWasmThreads, type WasmThreadChoice } from '../device/wasm-threads.ts';
import type { Capabilities } from '../../workers/protocol.ts';
import { backendChoices } from './backend-choices.ts';
import { Choice } from './Choice.tsx';
import type { SettingProps } from './settings.ts';

export function BackendSetting({ settings, onChange, capabilities }: SettingProps & { capabilities: Capabilities | null }) {
  const id = useId();
  const [threads, setThreads] = useState<WasmThreadChoice | null>(null);
  useEffect(() => {
    let current = true;
    void deviceWasmThreads().then((choice) => current && setThreads(choice));
    return () => {
      current = false;
    };
  }, []);
  return (
    <fieldset className="setting">
      <legend className="setting-label">Backend</legend>
      {backendChoices(capabilities, threads).map((backend) => (
        <Choice
          key={backend.value}
          name={`${id}-backend`}
          checked={settings.backend === backend.value}
          disabled={backend.disabled}
          onChoose={() => onChange({ backend: backend.value })}
          title={backend.title}
          blurb={backend.blurb}
        />
      ))}
      <p className="setting-help">Changing the backend reloads the model.</p>
    </fieldset>
  );
}
