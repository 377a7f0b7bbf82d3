/** Model families the runtime can run, by the registry's `family` id. */
import type { ModelFamilyId } from '../protocol.ts';
import type { LoadedModel, VlmFamily } from './family.ts';
import { smolVlmFamily } from './smolvlm.ts';

const FAMILIES: Record<ModelFamilyId, VlmFamily> = {
  smolvlm: smolVlmFamily as unknown as VlmFamily<LoadedModel>,
};

export function familyFor(id: ModelFamilyId): VlmFamily {
  return FAMILIES[id];
}

export type { LoadedModel, VlmFamily, PreparedPrompt, PromptImage } from './family.ts';
