/**
 * Task messages (Florence-2) as the chat shows them: a question's task and its input (the phrase,
 * or the region in pixels it was drawn with, never read back from its location tokens), and for an
 * answer to a region task, that region over the image labelled with the answer. Pure.
 */
import { florence2Task, type Florence2Task } from '../../workers/models/florence2-tasks.ts';
import type { AnswerRegions } from '../../workers/protocol.ts';
import type { Attachment } from '../files/index.ts';
import type { AssistantMessage, UserMessage } from './conversation.ts';

const TASK_TOKEN = /^(<[A-Z_]+>)([\s\S]*)$/;

/** A question's task and its input as a person reads it; null for a plain question. */
export function questionTask(message: Pick<UserMessage, 'text' | 'region'>): { task: Florence2Task; input: string } | null {
  const match = TASK_TOKEN.exec(message.text.trim());
  const task = match ? florence2Task(match[1]!) : undefined;
  if (!task) return null;
  if (task.input === 'region' && message.region) {
    const [left, top, right, bottom] = message.region.box;
    return { task, input: `${left}, ${top} → ${right}, ${bottom} px` };
  }
  return { task, input: match![2]!.trim() };
}

/** A question as a line of text a person reads (a chat's title): a task message as "Task: input". */
export function questionText(message: Pick<UserMessage, 'text' | 'region'>): string {
  const asked = questionTask(message);
  if (!asked) return message.text;
  return asked.input ? `${asked.task.label}: ${asked.input}` : asked.task.label;
}

/**
 * An answer to a region task is text about the region: this puts the region it asked about over
 * the image, labelled with that text, so it can be seen and exported like the boxes of other
 * tasks. Undefined when the answer is not one (or is still running, or failed).
 */
export function askedRegionAnswer(question: Pick<UserMessage, 'region'> | undefined, answer: AssistantMessage, image: Attachment | undefined): AnswerRegions | undefined {
  const region = question?.region;
  if (!region || !image || image.id !== region.imageId || !answer.task) return undefined;
  if (florence2Task(answer.task)?.input !== 'region' || (answer.status !== 'done' && answer.status !== 'stopped')) return undefined;
  return { task: answer.task, imageId: image.id, width: image.width, height: image.height, regions: [{ label: answer.text.trim(), box: region.box }] };
}
