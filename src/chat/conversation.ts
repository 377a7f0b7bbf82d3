/**
 * A conversation as the page holds and stores it, and the pure reducer that changes it: ask,
 * stream, finish, stop, fail, regenerate, edit-and-resend, continue. Images are Blobs with stable ids, so
 * the same conversation can be sent again in full each turn (the worker reuses its KV cache).
 */
import type { PageTurn } from '../bridge/index.ts';
import type { Attachment } from '../files/index.ts';
import { questionText } from './task-message.ts';
import type { AnswerRegions, Device, ErrorInfo, FinishReason, GenerationTimings, PixelBox, VideoClip } from '../../workers/protocol.ts';

/** A video asked about: its name and length, and each frame's time (the frames are the message's images). */
export interface VideoInfo extends VideoClip {
  name: string;
}

/**
 * The region a region task (Florence-2's "Describe a region") asked about, in the pixels of the
 * image it was drawn on: the message's text carries it as location tokens for the model, this is
 * what the chat draws (never read back from the tokens).
 */
export interface AskedRegion {
  imageId: string;
  box: PixelBox;
}

export interface UserMessage {
  id: string;
  role: 'user';
  text: string;
  images: Attachment[];
  /** Set when `images` are the sampled frames of a video. */
  video?: VideoInfo;
  /** Set when the message is a region task: the region, in the pixels of one of this conversation's images. */
  region?: AskedRegion;
  createdAt: number;
}

/** pending: waiting for the model or the first token; streaming: tokens arriving. */
export type AnswerStatus = 'pending' | 'streaming' | 'done' | 'stopped' | 'error';

/**
 * Why a stopped answer stopped: the person (Stop, or leaving the chat while it ran), or the page
 * reloading or closing mid-answer (the text saved while it streamed is kept).
 */
export type StopCause = 'person' | 'page-reload';

/** What one answer cost, shown under it. */
export interface AnswerStats extends Pick<
  GenerationTimings,
  'timeToFirstTokenMs' | 'decodeTokensPerSecond' | 'promptTokens' | 'imageTokens' | 'reusedPromptTokens' | 'newTokens' | 'totalMs' | 'imagesEncoded'
> {
  device: Device;
  /** Work prepared while the question was typed (absent on answers stored before it was recorded). */
  preparedTokens?: number;
  preparedAheadMs?: number;
}

export interface AssistantMessage {
  id: string;
  role: 'assistant';
  text: string;
  status: AnswerStatus;
  createdAt: number;
  modelId: string;
  finishReason?: FinishReason;
  /** With status `stopped`; absent on answers stored before it was recorded (all stopped by a person). */
  stoppedBy?: StopCause;
  error?: ErrorInfo;
  /** Device the model ran on when it failed (drives "Run on CPU"). */
  failedOn?: Device;
  stats?: AnswerStats;
  /** A task model's answer: the task it ran as (a plain question becomes the closest task). */
  task?: string;
  /** Where the answer points in the image it was about (Florence-2's boxes), in that image's pixels. */
  regions?: AnswerRegions;
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
  /** The last answer, stopped with some text, goes on from that text (pending again, text kept). */
  | { type: 'continue'; answerId: string }
  /** The running answer starts over from `text` (pending again): its attempt so far is dropped, as when it is answered again on another backend. */
  | { type: 'answer-restart'; answerId: string; text: string }
  | { type: 'answer-delta'; answerId: string; text: string }
  | {
      type: 'answer-finish';
      answerId: string;
      text: string;
      status: 'done' | 'stopped';
      finishReason: FinishReason;
      stats?: AnswerStats;
      task?: string;
      regions?: AnswerRegions;
    }
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
          title: conversation.title || titleFor(questionText(action.user), action.user.images.length),
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
      const edited = action.text === undefined ? user : editedQuestion(user, action.text);
      const messages = [...state.conversation.messages.slice(0, index), edited, action.answer];
      const title = index === 0 && action.text !== undefined ? titleFor(questionText(edited), user.images.length) : state.conversation.title;
      return { conversation: { ...state.conversation, title, messages, updatedAt: action.answer.createdAt }, revision: state.revision + 1 };
    }
    case 'continue': {
      const last = state.conversation.messages.at(-1);
      if (last?.id !== action.answerId || !canContinue(last)) return state;
      return updateAnswer(
        state,
        action.answerId,
        // What the stopped run measured and why it stopped no longer describe the answer.
        ({ id, role, text, createdAt, modelId }) => ({ id, role, text, createdAt, modelId, status: 'pending' }),
        true,
      );
    }
    case 'answer-restart':
      return updateAnswer(state, action.answerId, ({ id, role, createdAt, modelId }) => ({ id, role, createdAt, modelId, text: action.text, status: 'pending' }), true);
    case 'answer-delta':
      return updateAnswer(state, action.answerId, (answer) => ({ ...answer, status: 'streaming', text: answer.text + action.text }), false);
    case 'answer-finish':
      return updateAnswer(
        state,
        action.answerId,
        (answer) => ({
          ...answer,
          status: action.status,
          text: action.text,
          finishReason: action.finishReason,
          ...(action.status === 'stopped' ? { stoppedBy: 'person' as const } : {}),
          ...(action.stats ? { stats: action.stats } : {}),
          ...(action.task ? { task: action.task } : {}),
          ...(action.regions ? { regions: action.regions } : {}),
        }),
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

/** A question with its text edited: a region it asked about goes once the text (its location tokens) changes. */
export function editedQuestion(user: UserMessage, text: string): UserMessage {
  if (text === user.text) return user;
  const { region: _region, ...rest } = user;
  return { ...rest, text };
}

/**
 * The image a task model (Florence-2, one image per task) would look at for a message sent now
 * with no image of its own: the latest image of the conversation.
 */
export function latestImage(messages: readonly Message[]): Attachment | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'user' && message.images.length) return message.images.at(-1);
  }
  return undefined;
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
      turns.push({
        role: 'user',
        text: message.text,
        ...(message.images.length ? { images: message.images.map(({ id, blob }) => ({ id, blob })) } : {}),
        ...(message.video ? { video: { durationSeconds: message.video.durationSeconds, timestamps: message.video.timestamps } } : {}),
      });
    } else if (message.text.trim() !== '' && message.status !== 'pending' && message.status !== 'streaming') {
      turns.push({ role: 'assistant', text: message.text });
    }
    if (message.id === untilId) break;
  }
  return turns;
}

/**
 * The turns to prepare while a message is being written: the conversation so far, then the
 * message's images with no text yet (the model's prompt puts images before the question, so the
 * work up to them is the same whatever the question will be).
 */
export function toPreparedTurns(messages: readonly Message[], images: readonly { id: string; blob: Blob }[]): PageTurn[] {
  const last = messages.at(-1);
  const history = last ? toPageTurns(messages, last.id) : [];
  return [...history, { role: 'user', text: '', images: images.map(({ id, blob }) => ({ id, blob })) }];
}

const running = (message: Message): message is AssistantMessage => message.role === 'assistant' && (message.status === 'pending' || message.status === 'streaming');

/** The answer being produced, if any: always the last message. */
export function runningAnswer(conversation: Conversation): AssistantMessage | undefined {
  const last = conversation.messages.at(-1);
  return last && running(last) ? last : undefined;
}

/**
 * The conversation with the text its running answer `answerId` had when last saved (it is saved
 * apart from the conversation while it streams); unchanged when that answer is not running.
 */
export function withStreamedText(conversation: Conversation, answerId: string, text: string): Conversation {
  const answer = runningAnswer(conversation);
  if (answer?.id !== answerId) return conversation;
  return { ...conversation, messages: [...conversation.messages.slice(0, -1), { ...answer, text }] };
}

/** Whether an answer can be continued from its text: it stopped part way with some text. */
export function canContinue(message: Message): message is AssistantMessage {
  return message.role === 'assistant' && message.status === 'stopped' && message.text.trim() !== '';
}

/**
 * The turns that continue the last answer `answerId`: the conversation up to its question, then
 * the answer's text so far as an unfinished turn the model goes on writing. Undefined when that
 * answer is not the last message or cannot be continued.
 */
export function toContinuationTurns(messages: readonly Message[], answerId: string): PageTurn[] | undefined {
  const answer = messages.at(-1);
  const question = questionFor(messages, answerId);
  if (answer?.id !== answerId || !canContinue(answer) || !question) return undefined;
  return [...toPageTurns(messages, question.id), { role: 'assistant', text: answer.text, unfinished: true }];
}

/**
 * Answers left running when the page was reloaded or closed come back stopped by the reload, with
 * the text saved while they streamed (see useConversations).
 */
export function settleInterrupted(conversation: Conversation): Conversation {
  if (!conversation.messages.some(running)) return conversation;
  return {
    ...conversation,
    messages: conversation.messages.map((message) =>
      // The streamed text still starts with the space the model writes after "Assistant:" (a
      // finished answer is stored without it).
      running(message) ? { ...message, status: 'stopped', finishReason: 'stopped', stoppedBy: 'page-reload', text: message.text.replace(/^\s+/, '') } : message,
    ),
  };
}
