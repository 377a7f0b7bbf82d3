/**
 * Whether a video's frames fit the model's context with the conversation so far, before anything
 * is sent: the figures the composer shows ("8 frames · 0:42 · 512 image tokens of 2,048") and, when
 * it does not fit, how many frames would.
 */
import { estimateVideoTokens, framesThatFit } from '../../workers/models/video.ts';

/** Tokens kept free for the answer: a video that leaves less is refused before sending. */
export const ANSWER_RESERVE_TOKENS = 32;

export interface VideoBudget {
  imageTokens: number;
  /** The video's tokens with its labels (an estimate until the tokenizer runs). */
  videoTokens: number;
  /** The conversation so far plus the question typed. */
  otherTokens: number;
  contextLength: number;
  fits: boolean;
  /** With `fits` false: the most frames that would fit (0: none, the conversation is full). */
  framesThatFit: number;
}

/**
 * `conversationTokens` is what the last answer's prompt and answer took (its stats), 0 in a new
 * chat; the question's text is counted at 3 characters a token, more than this tokenizer averages.
 */
export function videoBudget(frames: number, tokensPerFrame: number, contextLength: number, conversationTokens: number, question: string): VideoBudget {
  const { imageTokens, promptTokens } = estimateVideoTokens(frames, tokensPerFrame);
  const otherTokens = conversationTokens + Math.ceil(question.length / 3) + 16;
  const free = contextLength - otherTokens - ANSWER_RESERVE_TOKENS;
  const fits = promptTokens <= free;
  return { imageTokens, videoTokens: promptTokens, otherTokens, contextLength, fits, framesThatFit: fits ? frames : framesThatFit(free, tokensPerFrame) };
}
