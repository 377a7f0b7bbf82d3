/**
 * Laying out an answer cut short (ChatTurn.unfinished) with any chat template: the template runs
 * with a mark in place of the answer's text, and the layout is cut where the mark starts, so the
 * answer stays open (no end-of-turn token) whatever the template writes around it. The question's
 * own prompt is then a prefix of the continued one, so its KV cache is reused.
 */
import { InvalidRequestError } from '../errors.ts';
import type { ChatTurn } from '../protocol.ts';
import { neutralizeSpecialTokens } from './special-tokens.ts';

/** Private-use characters: no message and no template contains them. */
export const UNFINISHED_ANSWER_MARK = '\uE000unfinished-answer\uE000';

/** The conversation's last turn when it is an answer to go on with. */
export function unfinishedAnswer(conversation: readonly ChatTurn[]): ChatTurn | undefined {
  const last = conversation.at(-1);
  return last?.role === 'assistant' && last.unfinished ? last : undefined;
}

/** `template` (rendered with the mark for `unfinished`'s text) cut at the mark, followed by that text. */
export function continueAt(template: string, unfinished: ChatTurn, modelName: string): string {
  const at = template.lastIndexOf(UNFINISHED_ANSWER_MARK);
  if (at < 0) throw new InvalidRequestError(`The chat template of ${modelName} left out the answer to continue.`);
  return template.slice(0, at) + neutralizeSpecialTokens(unfinished.text.trimStart());
}
