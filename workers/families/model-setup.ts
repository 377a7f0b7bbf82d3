/**
 * What every decoder family's `load` derives the same way from a model transformers.js loaded:
 * the ids that end an answer, and the sessions it must have.
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import { ModelLoadError } from '../errors.ts';
import type { ModelEntry } from '../protocol.ts';
import type { OrtSession } from '../runtime/ort-types.ts';

/** The generation config's end-of-sequence ids plus the chat template's end-of-turn token. */
export function answerEndIds(model: PreTrainedModel, endOfTurnId: number): number[] {
  const configured = (model as unknown as { generation_config?: { eos_token_id?: number | number[] } }).generation_config?.eos_token_id;
  const ids = Array.isArray(configured) ? configured : configured === undefined ? [] : [configured];
  return [...new Set([...ids, endOfTurnId])];
}

/** The decoder session, once every one of `names` is there (a clear error naming them otherwise). */
export function requireSessions(sessions: Record<string, OrtSession>, entry: ModelEntry, names: readonly string[], decoderName: string): OrtSession {
  const decoder = sessions[decoderName];
  if (!decoder || names.some((name) => !sessions[name])) {
    throw new ModelLoadError(`${entry.name} is missing one of ${names.join(', ')}.`, { modelId: entry.id });
  }
  return decoder;
}
