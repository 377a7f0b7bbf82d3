/**
 * Model families the runtime can run, by the registry's `family` id. Each adapter is typed
 * against its own model; the engine only hands a family the model that family loaded.
 */
import type { ModelFamilyId } from '../protocol.ts';
import type { VlmFamily } from './family.ts';
import { fastVlmFamily } from './fastvlm.ts';
import { florence2Family } from './florence2.ts';
import { smolVlmFamily } from './smolvlm.ts';

const FAMILIES: Record<ModelFamilyId, VlmFamily> = {
  smolvlm: smolVlmFamily,
  fastvlm: fastVlmFamily,
  florence2: florence2Family,
};

export function familyFor(id: ModelFamilyId): VlmFamily {
  return FAMILIES[id];
}

export type { EncoderFeeds, LoadedModel, VlmFamily, PreparedPrompt, PromptImage } from './family.ts';
