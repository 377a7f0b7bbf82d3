/**
 * A conversation as the page holds and stores it, and the pure reducer that changes it: ask,
 * stream, finish, stop, fail, regenerate, edit-and-resend. Images are Blobs with stable ids, so
 * the same conversation can be sent again in full each turn (the worker reuses its KV cache).
 */
import type { PageTurn } from '../bridge/index.ts';
import type { Attachment } from '../files/index.ts';
import type { Device, ErrorInfo, FinishReason, GenerationTimings } from '../../workers/protocol.ts';

export interface UserMessage {
  id: string;
  role: 'user';
  text: string;
  images: Attachment[];
  createdAt: number;
}

/** pending: waiting for the model or the first token; streaming: tokens arriving. */
export type AnswerStatus = 'pending' | 'streaming' | 'done' | 'stopped' | 'error';

/** What one answer cost, shown under it. */
export interface AnswerStats extends Pick<
  GenerationTimings,
  'timeToFirstTokenMs' | 'decodeTokensPerSecond' | 'promptTokens' | 'imageTokens' | 'reusedPromptTokens' | 'newTokens' | 'totalMs' | 'imagesEncoded'
> {
  device: Device;
}

export interface AssistantMessage {
  id: string;
  role: 'assistant';
  text: string;
  status: AnswerStatus;
  createdAt: number;
  modelId: string;
  finishReason?: FinishReason;
  error?: ErrorInfo;
  /** Device the model ran on when it failed (drives "Run on CPU"). */
  failedOn?: Device;
  stats?: AnswerStats;
}

export type Message = UserMessage | AssistantMessage;

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
}

/** The conversation plus a revision that changes on every edit worth saving (not on each token). */
export interface ConversationState {
  conversation: Conversation;
  revision: number;
}

export type ConversationAction =
  | { type: 'open'; conversation: Conversation }
  | { type: 'ask'; user: UserMessage; answer: AssistantMessage }
  | { type: 'rerun'; userId: string; answer: AssistantMessage; text?: string }
  | { type: 'answer-delta'; answerId: string; text: string }
  | { type: 'answer-finish'; answerId: string; text: string; status: 'done' | 'stopped'; finishReason: FinishReason; stats?: AnswerStats }
  | { type: 'answer-fail'; answerId: string; error: ErrorInfo; text?: string; failedOn?: Device; stats?: AnswerStats };

export function emptyConversation(id: string, now: number): Conversation {
  return { id, title: '', createdAt: now, updatedAt: now, messages: [] };
}

/** A short title from the first question. */
export function titleFor(text: string, imageCount: number): string {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ');
  if (line) return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
  return imageCount > 1 ? `${imageCount} images` : imageCount === 1 ? 'Image' : 'New chat';
}

function updateAnswer(state: ConversationState, answerId: string, change: (answer: AssistantMessage) => AssistantMessage, bump: boolean): ConversationState {
  let found = false;
  const messages = state.conversation.messages.map((message) => {
    if (message.id !== answerId || message.role !== 'assistant') return message;
    found = true;
    return change(message);
  });
  if (!found) return state;
  return {
    conversation: { ...state.conversation, messages, ...(bump ? { updatedAt: Date.now() } : {}) },
    revision: bump ? state.revision + 1 : state.revision,
  };
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  switch (action.type) {
    case 'open':
      return { conversation: action.conversation, revision: state.revision + 1 };
    case 'ask': {
      const { conversation } = state;
      return {
        conversation: {
          ...conversation,
          title: conversation.title || titleFor(action.user.text, action.user.images.length),
          updatedAt: action.user.createdAt,
          messages: [...conversation.messages, action.user, action.answer],
        },
        revision: state.revision + 1,
      };
    }
    case 'rerun': {
      const index = state.conversation.messages.findIndex((message) => message.id === action.userId && message.role === 'user');
      if (index < 0) return state;
      const user = state.conversation.messages[index] as UserMessage;
      const edited = action.text === undefined ? user : { ...user, text: action.text };
      const messages = [...state.conversation.messages.slice(0, index), edited, action.answer];
      const title = index === 0 && action.text !== undefined ? titleFor(action.text, user.images.length) : state.conversation.title;
      return { conversation: { ...state.conversation, title, messages, updatedAt: action.answer.createdAt }, revision: state.revision + 1 };
    }
    case 'answer-delta':
      return updateAnswer(state, action.answerId, (answer) => ({ ...answer, status: 'streaming', text: answer.text + action.text }), false);
    case 'answer-finish':
      return updateAnswer(
        state,
        action.answerId,
        (answer) => ({ ...answer, status: action.status, text: action.text, finishReason: action.finishReason, ...(action.stats ? { stats: action.stats } : {}) }),
        true,
      );
    case 'answer-fail':
      return updateAnswer(
        state,
        action.answerId,
        (answer) => ({
          ...answer,
          status: 'error',
          finishReason: 'error',
          error: action.error,
          text: action.text ?? answer.text,
          ...(action.failedOn ? { failedOn: action.failedOn } : {}),
          ...(action.stats ? { stats: action.stats } : {}),
        }),
        true,
      );
  }
}

/** The user message an answer replies to. */
export function questionFor(messages: readonly Message[], answerId: string): UserMessage | undefined {
  const index = messages.findIndex((message) => message.id === answerId);
  for (let i = index - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === 'user') return message;
  }
  return undefined;
}

/**
 * The turns the model sees, up to and including `untilId` (a user message). Unanswered or failed
 * answers without text are left out; a stopped answer's partial text stays, as the model wrote it.
 */
export function toPageTurns(messages: readonly Message[], untilId: string): PageTurn[] {
  const turns: PageTurn[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      turns.push({ role: 'user', text: message.text, ...(message.images.length ? { images: message.images.map(({ id, blob }) => ({ id, blob })) } : {}) });
    } else if (message.text.trim() !== '' && message.status !== 'pending' && message.status !== 'streaming') {
      turns.push({ role: 'assistant', text: message.text });
    }
    if (message.id === untilId) break;
  }
  return turns;
}

/** Answers left running when the page closed come back as stopped. */
export function settleInterrupted(conversation: Conversation): Conversation {
  if (!conversation.messages.some((message) => message.role === 'assistant' && (message.status === 'pending' || message.status === 'streaming'))) return conversation;
  return {
    ...conversation,
    messages: conversation.messages.map((message) =>
      message.role === 'assistant' && (message.status === 'pending' || message.status === 'streaming')
        ? { ...message, status: 'stopped', finishReason: 'stopped' }
        : message,
    ),
  };
}
