/** Where the model runs: automatic, WebGPU or the CPU. */
import { useId } from 'react';
import type { Capabilities } from '../../workers/protocol.ts';
import { backendChoices } from './backend-choices.ts';
import { Choice } from './Choice.tsx';
import type { SettingProps } from './settings.ts';

export function BackendSetting({ settings, onChange, capabilities }: SettingProps & { capabilities: Capabilities | null }) {
  const id = useId();
  return (
    <fieldset className="setting">
      <legend className="setting-label">Backend</legend>
      {backendChoices(capabilities).map((backend) => (
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
