import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, generateOptionsFor, loadSettings, normalizeSettings, saveSettings, SETTINGS_STORAGE_KEY } from './settings.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

describe('settings', () => {
  it('round-trips through storage', () => {
    const storage = memoryStorage();
    const settings = { ...DEFAULT_SETTINGS, maxNewTokens: 64, sampling: 'creative' as const, detail: 'low' as const, backend: 'wasm' as const, prepareAhead: false, modelId: 'SmolVLM-test-tiny' };
    saveSettings(settings, storage);
    expect(loadSettings(storage)).toEqual(settings);
  });

  it('keeps valid fields and defaults broken ones', () => {
    expect(normalizeSettings({ maxNewTokens: 99999, detail: 'ultra', backend: 'webgpu', prepareAhead: 'yes', modelId: '../etc' })).toEqual({
      ...DEFAULT_SETTINGS,
      maxNewTokens: 2048,
      backend: 'webgpu',
    });
    expect(loadSettings(memoryStorage({ [SETTINGS_STORAGE_KEY]: '{not json' }))).toEqual(DEFAULT_SETTINGS);
    expect(normalizeSettings(null)).toEqual(DEFAULT_SETTINGS);
  });

  it('maps to the worker options', () => {
    expect(generateOptionsFor({ ...DEFAULT_SETTINGS, maxNewTokens: 32 })).toMatchObject({ maxNewTokens: 32, sampling: { kind: 'greedy' }, detail: 'auto' });
    expect(generateOptionsFor({ ...DEFAULT_SETTINGS, sampling: 'creative', temperature: 0.9 }).sampling).toEqual({ kind: 'sample', temperature: 0.9, topP: 0.9 });
  });
});
