// @vitest-environment jsdom
/** The image-detail group: what each level costs, and what a model that offers fewer levels gets instead. */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SMOLVLM_GEOMETRY } from '../../workers/models/image-detail.ts';
import { ImageDetailSetting } from './ImageDetailSetting.tsx';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  root = createRoot(container);
});
afterEach(() => act(() => root.unmount()));

const example = { width: 512, height: 512, label: 'a square' };
const labels = () => Array.from(container.querySelectorAll('label'));

function render(settings: Settings, model: { name: string; details?: ('low' | 'auto' | 'high')[] } | null, onChange = vi.fn()) {
  act(() => root.render(<ImageDetailSetting settings={settings} onChange={onChange} device="wasm" geometry={SMOLVLM_GEOMETRY} example={example} model={model} />));
  return onChange;
}

describe('ImageDetailSetting', () => {
  it('prices every level for the example image and changes the detail', () => {
    const onChange = render(DEFAULT_SETTINGS, null);
    expect(container.textContent).toContain('Image tokens for a square (512 × 512) on the CPU');
    expect(labels()[0]!.textContent).toMatch(/^Low64 tokens · 1 frame/);
    expect(container.querySelector('[role="note"]')).toBeNull();
    act(() => labels()[2]!.querySelector('input')!.click());
    expect(onChange).toHaveBeenCalledWith({ detail: 'high' });
  });

  it('says which detail a model trained for fewer levels gets', () => {
    render({ ...DEFAULT_SETTINGS, detail: 'high' }, { name: 'Shapes demo', details: ['low'] });
    expect(container.querySelector('[role="note"]')?.textContent).toBe('Shapes demo was trained for low only, so its images go at low detail.');
    expect(labels().map((label) => label.classList.contains('not-offered'))).toEqual([false, true, true]);
    expect(labels()[1]!.textContent).toContain('Not offered by Shapes demo: it gets low instead.');
  });
});
