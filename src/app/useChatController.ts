/**
 * The page's controller: it composes the model runtime (useModelRuntime) and the conversations
 * (useConversations), and turns a person's actions — send, stop, regenerate, edit, retry, run on
 * CPU, new chat, open, delete — into bridge calls. Every answer ends in exactly one terminal
 * dispatch (finish or fail), so the UI can never hang in "generating".
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useBridge, type PageTurn } from '../bridge/index.ts';
import {
  emptyConversation,
  questionFor,
  toPageTurns,
  type AnswerStats,
  type AssistantMessage,
  type Conversation,
  type Message,
  type UserMessage,
} from '../chat/conversation.ts';
import type { Attachment } from '../files/index.ts';
import { appendText, FrameBatcher } from '../lib/frame-batcher.ts';
import { newId } from '../lib/ids.ts';
import { DEFAULT_MODEL_ID, type ModelEntry } from '../models/catalog.ts';
import type { ModelCatalog } from '../models/useModelCatalog.ts';
import { generateOptionsFor, useSettings, type Settings } from '../settings/index.ts';
import type { ConversationSummary } from '../storage/index.ts';
import type { DeviceRequest, GenerationTimings, LoadResult } from '../../workers/protocol.ts';
import { describeError } from '../../workers/errors.ts';
import type { RuntimeState } from './runtime-state.ts';
import { useConversations } from './useConversations.ts';
import { useModelRuntime } from './useModelRuntime.ts';

export interface Notice {
  id: string;
  tone: 'info' | 'warning';
  text: string;
}

function statsFrom(timings: GenerationTimings, device: LoadResult['device']): AnswerStats {
  const { timeToFirstTokenMs, decodeTokensPerSecond, promptTokens, imageTokens, reusedPromptTokens, newTokens, totalMs, imagesEncoded } = timings;
  return { timeToFirstTokenMs, decodeTokensPerSecond, promptTokens, imageTokens, reusedPromptTokens, newTokens, totalMs, imagesEncoded, device };
}

/** One answer being produced: from waiting for the model to the last token. */
interface AnswerRun {
  answerId: string;
  promise: Promise<void>;
  /** Stop aborts it: while the model loads the answer never starts, later the worker stops it. */
  abort: AbortController;
}

export interface ChatController {
  runtime: RuntimeState;
  conversation: Conversation;
  summaries: ConversationSummary[];
  settings: Settings;
  updateSettings: (patch: Partial<Settings>) => void;
  catalog: ModelCatalog;
  selectedModel: ModelEntry | null;
  notices: Notice[];
  dismissNotice: (id: string) => void;
  /** True while an answer is pending or streaming. */
  busy: boolean;
  selectModel: (id: string) => void;
  loadSelectedModel: () => void;
  send: (text: string, images: Attachment[]) => boolean;
  stop: () => void;
  regenerate: (answerId: string) => void;
  editAndResend: (userId: string, text: string) => void;
  runOnCpu: (answerId: string) => void;
  retryLoad: (device?: DeviceRequest) => void;
  newChat: () => Promise<void>;
  openChat: (id: string) => Promise<void>;
  deleteChat: (id: string) => Promise<void>;
}

export function useChatController(): ChatController {
  const bridge = useBridge();
  const [settings, updateSettings] = useSettings();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [activeAnswerId, setActiveAnswerId] = useState<string | null>(null);
  const settingsRef = useRef(settings);
  const runRef = useRef<AnswerRun | null>(null);
  const busyRef = useRef(false);
  useLayoutEffect(() => {
    settingsRef.current = settings;
    busyRef.current = activeAnswerId !== null;
  });

  const notify = useCallback((text: string, tone: Notice['tone'] = 'info') => {
    setNotices((list) => [...list.filter((notice) => notice.text !== text), { id: newId('notice'), tone, text }]);
  }, []);
  const dismissNotice = useCallback((id: string) => setNotices((list) => list.filter((notice) => notice.id !== id)), []);

  const model = useModelRuntime(settings, settingsRef, updateSettings, notify, busyRef);
  const { dispatchRuntime, ensureModel, selectedModelId } = model;
  const conversations = useConversations(notify);
  const { chatRef, dispatchChat } = conversations;

  // --- Answers -------------------------------------------------------------------------------

  const runAnswer = useCallback(
    (turns: PageTurn[], answerId: string) => {
      const run: AnswerRun = { answerId, promise: Promise.resolve(), abort: new AbortController() };
      const { signal } = run.abort;
      run.promise = (async () => {
        let loaded: LoadResult;
        try {
          loaded = await ensureModel();
        } catch (error) {
          dispatchChat({ type: 'answer-fail', answerId, error: describeError(error) });
          return;
        }
        if (signal.aborted) {
          dispatchChat({ type: 'answer-finish', answerId, text: '', status: 'stopped', finishReason: 'stopped' });
          return;
        }
        dispatchRuntime({ type: 'generate-start', answerId });
        const batcher = new FrameBatcher((text: string) => dispatchChat({ type: 'answer-delta', answerId, text }), appendText);
        try {
          const result = await bridge.generate(turns, generateOptionsFor(settingsRef.current), (piece) => piece && batcher.push(piece), { signal });
          batcher.flush();
          const stats = statsFrom(result.timings, loaded.device);
          if (result.finishReason === 'error') {
            const error = result.error ?? { name: 'Error', message: 'The answer failed.' };
            dispatchChat({ type: 'answer-fail', answerId, error, text: result.text, failedOn: loaded.device, stats });
          } else {
            const status = result.finishReason === 'stopped' ? 'stopped' : 'done';
            dispatchChat({ type: 'answer-finish', answerId, text: result.text, status, finishReason: result.finishReason, stats });
          }
        } catch (error) {
          batcher.dispose();
          dispatchChat({ type: 'answer-fail', answerId, error: describeError(error), failedOn: loaded.device });
        } finally {
          dispatchRuntime({ type: 'generate-end' });
        }
      })().finally(() => {
        if (runRef.current !== run) return;
        runRef.current = null;
        busyRef.current = false;
        setActiveAnswerId(null);
      });
      runRef.current = run;
      busyRef.current = true;
      setActiveAnswerId(answerId);
    },
    [bridge, dispatchChat, dispatchRuntime, ensureModel],
  );

  const newAnswer = useCallback(
    (): AssistantMessage => ({ id: newId('msg'), role: 'assistant', text: '', status: 'pending', createdAt: Date.now(), modelId: selectedModelId ?? DEFAULT_MODEL_ID }),
    [selectedModelId],
  );

  const send = useCallback(
    (text: string, images: Attachment[]): boolean => {
      if (runRef.current || (!text.trim() && images.length === 0)) return false;
      if (!selectedModelId) {
        notify('The model list is still loading; try again in a moment.');
        return false;
      }
      const user: UserMessage = { id: newId('msg'), role: 'user', text: text.trim(), images, createdAt: Date.now() };
      const answer = newAnswer();
      const messages: Message[] = [...chatRef.current.conversation.messages, user];
      dispatchChat({ type: 'ask', user, answer });
      runAnswer(toPageTurns(messages, user.id), answer.id);
      return true;
    },
    [chatRef, dispatchChat, newAnswer, notify, runAnswer, selectedModelId],
  );

  /** Answers a question again (edited or not), dropping everything that followed it. */
  const rerun = useCallback(
    (userId: string, text?: string) => {
      if (runRef.current) return;
      const messages = chatRef.current.conversation.messages;
      const index = messages.findIndex((message) => message.id === userId && message.role === 'user');
      if (index < 0) return;
      const user = messages[index] as UserMessage;
      const edited: UserMessage = text === undefined ? user : { ...user, text: text.trim() };
      const answer = newAnswer();
      dispatchChat({ type: 'rerun', userId, answer, ...(text === undefined ? {} : { text: edited.text }) });
      runAnswer(toPageTurns([...messages.slice(0, index), edited], userId), answer.id);
    },
    [chatRef, dispatchChat, newAnswer, runAnswer],
  );

  const regenerate = useCallback(
    (answerId: string) => {
      const question = questionFor(chatRef.current.conversation.messages, answerId);
      if (question) rerun(question.id);
    },
    [chatRef, rerun],
  );

  const editAndResend = useCallback((userId: string, text: string) => rerun(userId, text), [rerun]);

  const stop = useCallback(() => {
    const run = runRef.current;
    if (!run || run.abort.signal.aborted) return;
    run.abort.abort();
    dispatchRuntime({ type: 'stop-requested' });
  }, [dispatchRuntime]);

  /** Stops whatever runs and waits for it to settle. */
  const settle = useCallback(async () => {
    const run = runRef.current;
    if (!run) return;
    stop();
    await run.promise;
  }, [stop]);

  const switchBackend = useCallback(
    (device: DeviceRequest) => {
      updateSettings({ backend: device });
      settingsRef.current = { ...settingsRef.current, backend: device };
    },
    [updateSettings],
  );

  const runOnCpu = useCallback(
    (answerId: string) => {
      switchBackend('wasm');
      regenerate(answerId);
    },
    [regenerate, switchBackend],
  );

  const retryLoad = useCallback(
    (device?: DeviceRequest) => {
      if (device) switchBackend(device);
      void ensureModel().catch(() => undefined);
    },
    [ensureModel, switchBackend],
  );

  const loadSelectedModel = useCallback(() => void ensureModel().catch(() => undefined), [ensureModel]);

  // --- Conversations -------------------------------------------------------------------------

  const { show, load, remove } = conversations;

  const newChat = useCallback(async () => {
    await settle();
    await bridge.reset().catch(() => undefined);
    show(emptyConversation(newId('chat'), Date.now()));
  }, [bridge, settle, show]);

  const openChat = useCallback(
    async (id: string) => {
      if (id === chatRef.current.conversation.id) return;
      await settle();
      const conversation = await load(id);
      if (!conversation) return;
      // The worker's KV cache and images belong to the chat being left.
      await bridge.reset().catch(() => undefined);
      show(conversation);
    },
    [bridge, chatRef, load, settle, show],
  );

  const deleteChat = useCallback(
    async (id: string) => {
      if (id === chatRef.current.conversation.id) await newChat();
      await remove(id);
    },
    [chatRef, newChat, remove],
  );

  return {
    runtime: model.runtime,
    conversation: conversations.conversation,
    summaries: conversations.summaries,
    settings,
    updateSettings,
    catalog: model.catalog,
    selectedModel: model.selectedModel,
    notices,
    dismissNotice,
    busy: activeAnswerId !== null,
    selectModel: model.selectModel,
    loadSelectedModel,
    send,
    stop,
    regenerate,
    editAndResend,
    runOnCpu,
    retryLoad,
    newChat,
    openChat,
    deleteChat,
  };
}
