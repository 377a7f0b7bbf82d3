import { useCallback, useEffect, useState } from 'react';
import { loadSettings, saveSettings, type Settings } from './settings.ts';

/** Settings as React state, saved to localStorage whenever they change. */
export function useSettings(): [Settings, (patch: Partial<Settings>) => void] {
  const [settings, setSettings] = useState(loadSettings);
  useEffect(() => saveSettings(settings), [settings]);
  const update = useCallback((patch: Partial<Settings>) => setSettings((previous) => ({ ...previous, ...patch })), []);
  return [settings, update];
}
