/** Greedy ("Precise") or sampled ("Creative") answers; the temperature shows only for the latter. */
import { useId } from 'react';
import { Choice } from './Choice.tsx';
import type { SettingProps } from './settings.ts';

export function SamplingSetting({ settings, onChange }: SettingProps) {
  const id = useId();
  return (
    <fieldset className="setting">
      <legend className="setting-label">Answers</legend>
      <Choice
        name={`${id}-sampling`}
        checked={settings.sampling === 'greedy'}
        onChoose={() => onChange({ sampling: 'greedy' })}
        title="Precise"
        blurb="Greedy decoding: the same question gives the same answer."
      />
      <Choice
        name={`${id}-sampling`}
        checked={settings.sampling === 'creative'}
        onChoose={() => onChange({ sampling: 'creative' })}
        title="Creative"
        blurb={`Sampled with temperature ${settings.temperature.toFixed(1)}: varied wording.`}
      />
      {settings.sampling === 'creative' && (
        <div className="setting-sub">
          <label htmlFor={`${id}-temperature`}>Temperature</label>
          <input
            id={`${id}-temperature`}
            type="range"
            min={0.1}
            max={1.5}
            step={0.1}
            value={settings.temperature}
            onChange={(event) => onChange({ temperature: Number(event.target.value) })}
          />
          <output htmlFor={`${id}-temperature`}>{settings.temperature.toFixed(1)}</output>
        </div>
      )}
    </fieldset>
  );
}
