/**
 * The held-out set written by heldout.py, for the browser evaluation and the browser tests: chats
 * about generated shapes scenes with the contract's answers (docs/demo-model.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The contract's question types, in its order. */
export const QUESTION_TYPES = [
  'count_all',
  'count_shape',
  'count_colour',
  'colour_of_shape',
  'shape_of_colour',
  'exists',
  'where',
  'further_left',
  'compare_images',
] as const;

export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface HeldoutTurn {
  type: QuestionType;
  question: string;
  answer: string;
}

export interface HeldoutChat {
  /** Image files, relative to the held-out folder, all sent with the first question. */
  images: string[];
  turns: HeldoutTurn[];
}

export interface Heldout {
  seed: number;
  questions: number;
  chats: HeldoutChat[];
}

export const HELDOUT_DIR = path.join(import.meta.dirname, 'heldout');

export function loadHeldout(folder = HELDOUT_DIR): Heldout {
  return JSON.parse(readFileSync(path.join(folder, 'heldout.json'), 'utf8')) as Heldout;
}

/** The contract's grading: exact match after trimming, lower-casing and dropping one final period. */
export function gradeAnswer(answer: string, expected: string): boolean {
  let text = answer.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  return text.trim() === expected;
}
