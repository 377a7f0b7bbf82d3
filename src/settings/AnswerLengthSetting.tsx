/** Answer length: the exact number of tokens on a slider, and named presets next to it. */
import { useId } from 'react';
import { ANSWER_LENGTH, ANSWER_LENGTH_PRESETS, type SettingProps } from './settings.ts';

export function AnswerLengthSetting({ settings, onChange }: SettingProps) {
  const id = useId();
  return (
    <section className="setting">
      <div className="setting-row">
        <label htmlFor={`${id}-length`} className="setting-label">
          Answer length
        </label>
        <output htmlFor={`${id}-length`} className="setting-value">
          {settings.maxNewTokens} tokens
        </output>
      </div>
      <input
        id={`${id}-length`}
        type="range"
        min={ANSWER_LENGTH.min}
        max={ANSWER_LENGTH.max}
        step={ANSWER_LENGTH.step}
        value={settings.maxNewTokens}
        onChange={(event) => onChange({ maxNewTokens: Number(event.target.value) })}
      />
      <div className="segmented" role="group" aria-label="Answer length presets">
        {ANSWER_LENGTH_PRESETS.map((preset) => (
          <button key={preset.label} type="button" aria-pressed={settings.maxNewTokens === preset.tokens} onClick={() => onChange({ maxNewTokens: preset.tokens })}>
            {preset.label} <span className="muted">{preset.tokens}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
