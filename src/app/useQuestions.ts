/**
 * Asking: a new question, the same question again (regenerated, or edited and resent) dropping
 * what followed it, and more of an answer that stopped part way (continued from its text).
 */
import { useCallback, type RefObject } from 'react';
import {
  editedQuestion,
  questionFor,
  toContinuationTurns,
  toPageTurns,
  type AssistantMessage,
  type ConversationAction,
  type ConversationState,
  type Message,
  type AskedRegion,
  type UserMessage,
  type VideoInfo,
} from '../chat/conversation.ts';
import type { Attachment } from '../files/index.ts';
import { newId } from '../lib/ids.ts';
import { DEFAULT_MODEL_ID } from '../models/catalog.ts';
import type { AnswerRunner } from './useAnswerRunner.ts';
import type { Notify } from './useNotices.ts';

export interface QuestionsDeps {
  runner: Pick<AnswerRunner, 'isRunning' | 'start'>;
  chatRef: RefObject<ConversationState>;
  dispatchChat: (action: ConversationAction) => void;
  selectedModelId: string | null;
  notify: Notify;
}

/** What a question carries besides its text and images: the video its images were sampled from, or the region a region task asks about. */
export interface QuestionExtras {
  video?: VideoInfo;
  region?: AskedRegion;
}

export interface Questions {
  /** False when nothing was sent (an answer is running, the question is empty, no model is known yet). */
  send: (text: string, images: Attachment[], extras?: QuestionExtras) => boolean;
  regenerate: (answerId: string) => void;
  editAndResend: (userId: string, text: string) => void;
  /** The model goes on writing the last answer, stopped part way, after the text it has. */
  continueAnswer: (answerId: string) => void;
}

export function useQuestions({ runner, chatRef, dispatchChat, selectedModelId, notify }: QuestionsDeps): Questions {
  const { isRunning, start } = runner;

  const newAnswer = useCallback(
    (): AssistantMessage => ({ id: newId('msg'), role: 'assistant', text: '', status: 'pending', createdAt: Date.now(), modelId: selectedModelId ?? DEFAULT_MODEL_ID }),
    [selectedModelId],
  );

  const send = useCallback(
    (text: string, images: Attachment[], { video, region }: QuestionExtras = {}): boolean => {
      if (isRunning() || (!text.trim() && images.length === 0)) return false;
      if (!selectedModelId) {
        notify('The model list is still loading; try again in a moment.');
        return false;
      }
      const user: UserMessage = { id: newId('msg'), role: 'user', text: text.trim(), images, ...(video ? { video } : {}), ...(region ? { region } : {}), createdAt: Date.now() };
      const answer = newAnswer();
      const messages: Message[] = [...chatRef.current.conversation.messages, user];
      dispatchChat({ type: 'ask', user, answer });
      start(toPageTurns(messages, user.id), answer.id);
      return true;
    },
    [chatRef, dispatchChat, isRunning, newAnswer, notify, selectedModelId, start],
  );

  /** Answers a question again (edited or not), dropping everything that followed it. */
  const rerun = useCallback(
    (userId: string, text?: string) => {
      if (isRunning()) return;
      const messages = chatRef.current.conversation.messages;
      const index = messages.findIndex((message) => message.id === userId && message.role === 'user');
      if (index < 0) return;
      const user = messages[index] as UserMessage;
      const edited: UserMessage = text === undefined ? user : editedQuestion(user, text.trim());
      const answer = newAnswer();
      dispatchChat({ type: 'rerun', userId, answer, ...(text === undefined ? {} : { text: edited.text }) });
      start(toPageTurns([...messages.slice(0, index), edited], userId), answer.id);
    },
    [chatRef, dispatchChat, isRunning, newAnswer, start],
  );

  const regenerate = useCallback(
    (answerId: string) => {
      const question = questionFor(chatRef.current.conversation.messages, answerId);
      if (question) rerun(question.id);
    },
    [chatRef, rerun],
  );

  const editAndResend = useCallback((userId: string, text: string) => rerun(userId, text), [rerun]);

  const continueAnswer = useCallback(
    (answerId: string) => {
      if (isRunning()) return;
      const { messages } = chatRef.current.conversation;
      const turns = toContinuationTurns(messages, answerId);
      const answer = messages.at(-1);
      if (!turns || answer?.role !== 'assistant') return;
      dispatchChat({ type: 'continue', answerId });
      start(turns, answerId, { keptText: answer.text });
    },
    [chatRef, dispatchChat, isRunning, start],
  );

  return { send, regenerate, editAndResend, continueAnswer };
}
