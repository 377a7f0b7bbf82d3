/** What a person can tune: answer length, sampling, image detail, backend. */
export { useSettings } from './useSettings.ts';
export { SettingsDialog } from './SettingsDialog.tsx';
export type { DetailExample } from './ImageDetailSetting.tsx';
export { DEFAULT_SETTINGS, generateOptionsFor, loadSettings, type Settings, type SamplingMode } from './settings.ts';
