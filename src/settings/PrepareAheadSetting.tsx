/** Whether attached images are worked on while the question is typed (on by default). */
import { useId } from 'react';
import type { SettingProps } from './settings.ts';

export function PrepareAheadSetting({ settings, onChange }: SettingProps) {
  const id = useId();
  return (
    <fieldset className="setting">
      <legend className="setting-label">While you type</legend>
      <label className="choice" htmlFor={id}>
        <input id={id} type="checkbox" checked={settings.prepareAhead} onChange={(event) => onChange({ prepareAhead: event.target.checked })} />
        <span>
          <span className="choice-title">Start on images as soon as they are attached</span>
          <span className="choice-blurb">
            The model reads the image while you write the question, so the answer starts sooner. Turn it off to save battery: images are then read when you
            send.
          </span>
        </span>
      </label>
    </fieldset>
  );
}
