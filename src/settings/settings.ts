/**
 * What a person can tune, persisted in localStorage: answer length, greedy or creative sampling,
 * image detail and the backend. Anything malformed in storage falls back to the default, field by
 * field, so a bad value never breaks the page.
 */
import { IMAGE_DETAILS, type DeviceRequest, type GenerateOptions, type ImageDetail } from '../../workers/protocol.ts';

export type SamplingMode = 'greedy' | 'creative';

export interface Settings {
  /** Most tokens an answer may have. */
  maxNewTokens: number;
  sampling: SamplingMode;
  /** Temperature used in creative mode. */
  temperature: number;
  detail: ImageDetail;
  backend: DeviceRequest;
  /**
   * Start on attached images while the question is typed (vision encoding and the prompt up to
   * the images), so the answer starts sooner. Off saves the work (and battery) for images that
   * are never sent.
   */
  prepareAhead: boolean;
  /** The model chosen last (used when the URL does not name one). */
  modelId: string | null;
}

/** What each section of the settings dialog is given: the settings, and a way to change some of them. */
export interface SettingProps {
  settings: Settings;
  onChange: (patch: Partial<Settings>) => void;
}

export const ANSWER_LENGTH = { min: 8, max: 2048, step: 8 } as const;

/** Named answer lengths offered next to the exact number. */
export const ANSWER_LENGTH_PRESETS: readonly { label: string; tokens: number }[] = [
  { label: 'Short', tokens: 128 },
  { label: 'Medium', tokens: 384 },
  { label: 'Long', tokens: 1024 },
];

export const DEFAULT_SETTINGS: Settings = {
  maxNewTokens: 384,
  sampling: 'greedy',
  temperature: 0.7,
  detail: 'auto',
  backend: 'auto',
  prepareAhead: true,
  modelId: null,
};

export const SETTINGS_STORAGE_KEY = 'vlm-chat.settings.v1';

const BACKENDS: readonly DeviceRequest[] = ['auto', 'webgpu', 'wasm'];

function clampInteger(value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Settings from anything (parsed JSON, a partial object): valid fields kept, the rest defaulted. */
export function normalizeSettings(raw: unknown): Settings {
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    maxNewTokens: clampInteger(input.maxNewTokens, ANSWER_LENGTH.min, ANSWER_LENGTH.max) ?? DEFAULT_SETTINGS.maxNewTokens,
    sampling: input.sampling === 'creative' || input.sampling === 'greedy' ? input.sampling : DEFAULT_SETTINGS.sampling,
    temperature:
      typeof input.temperature === 'number' && input.temperature > 0 && input.temperature <= 2 ? input.temperature : DEFAULT_SETTINGS.temperature,
    detail: IMAGE_DETAILS.includes(input.detail as ImageDetail) ? (input.detail as ImageDetail) : DEFAULT_SETTINGS.detail,
    backend: BACKENDS.includes(input.backend as DeviceRequest) ? (input.backend as DeviceRequest) : DEFAULT_SETTINGS.backend,
    prepareAhead: typeof input.prepareAhead === 'boolean' ? input.prepareAhead : DEFAULT_SETTINGS.prepareAhead,
    modelId: typeof input.modelId === 'string' && /^[\w.-]+$/.test(input.modelId) ? input.modelId : null,
  };
}

export function loadSettings(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Settings {
  try {
    const text = storage?.getItem(SETTINGS_STORAGE_KEY);
    return normalizeSettings(text ? JSON.parse(text) : {});
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(settings: Settings, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(SETTINGS_STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Private mode or a full quota: settings then last for this visit only.
  }
}

/** Penalises repeats slightly: small models otherwise loop on greedy decoding. */
export const REPETITION_PENALTY = 1.1;
/** Creative answers sample from the smallest set of tokens holding 90% of the probability (nucleus sampling). */
export const CREATIVE_TOP_P = 0.9;

/** The worker's generation options for these settings. */
export function generateOptionsFor(settings: Settings): GenerateOptions {
  return {
    maxNewTokens: settings.maxNewTokens,
    sampling: settings.sampling === 'greedy' ? { kind: 'greedy' } : { kind: 'sample', temperature: settings.temperature, topP: CREATIVE_TOP_P },
    repetitionPenalty: REPETITION_PENALTY,
    detail: settings.detail,
  };
}
