/**
 * The page's controller: it composes the model runtime (useModelRuntime), the conversations
 * (useConversations), the answer being produced (useAnswerRunner), asking (useQuestions) and chat
 * switching (useChatSwitching), and adds the backend actions: retry, run on CPU.
 */
import { useCallback, useLayoutEffect, useRef } from 'react';
import { useBridge } from '../bridge/index.ts';
import type { Conversation } from '../chat/conversation.ts';
import type { ModelEntry } from '../models/catalog.ts';
import type { ModelCatalog } from '../models/useModelCatalog.ts';
import { useSettings, type Settings } from '../settings/index.ts';
import type { ConversationSummary } from '../storage/index.ts';
import type { DeviceRequest, ErrorInfo } from '../../workers/protocol.ts';
import type { RuntimeState } from './runtime-state.ts';
import { useAnswerRunner } from './useAnswerRunner.ts';
import { useChatSwitching, type ChatSwitching } from './useChatSwitching.ts';
import { useConversations } from './useConversations.ts';
import { useModelRuntime } from './useModelRuntime.ts';
import { useNotices, type Notice } from './useNotices.ts';
import { useQuestions, type Questions } from './useQuestions.ts';

export interface ChatController extends Questions, ChatSwitching {
  runtime: RuntimeState;
  conversation: Conversation;
  summaries: ConversationSummary[];
  /** Which saved draft the composer shows (see useConversations). */
  draftKey: string | null;
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
  stop: () => void;
  runOnCpu: (answerId: string) => void;
  retryLoad: (device?: DeviceRequest) => void;
}

/** Why an answer was produced again on the CPU (useAnswerRunner's automatic fallback under `auto`). */
export function cpuFallbackNotice(reason: ErrorInfo): string {
  const weights = reason.name === 'InvalidLogitsError' ? ` with ${reason.dtype} weights` : '';
  return `The GPU computed invalid numbers for this answer (WebGPU${weights}), so the model was reloaded on the CPU and answered again there. The backend is now CPU; change it in Settings.`;
}

export function useChatController(): ChatController {
  const bridge = useBridge();
  const [settings, updateSettings] = useSettings();
  const settingsRef = useRef(settings);
  const busyRef = useRef(false);
  useLayoutEffect(() => {
    settingsRef.current = settings;
  });
  const { notices, notify, setStanding, dismissNotice } = useNotices();

  const model = useModelRuntime(settings, settingsRef, updateSettings, notify, busyRef);
  const { dispatchRuntime, ensureModel, selectedModelId } = model;
  const conversations = useConversations(notify, setStanding);
  const { chatRef, dispatchChat } = conversations;
  const switchBackend = useCallback(
    (device: DeviceRequest) => {
      updateSettings({ backend: device });
      // The answer or load started next reads it before React has re-rendered.
      settingsRef.current = { ...settingsRef.current, backend: device };
    },
    [updateSettings],
  );

  const fallBackToCpu = useCallback(
    (reason: ErrorInfo) => {
      switchBackend('wasm');
      notify(cpuFallbackNotice(reason), 'warning');
    },
    [notify, switchBackend],
  );

  const runner = useAnswerRunner({ bridge, ensureModel, settingsRef, busyRef, dispatchChat, dispatchRuntime, fallBackToCpu });
  const questions = useQuestions({ runner, chatRef, dispatchChat, selectedModelId, notify });
  const switching = useChatSwitching(bridge, conversations, runner.settle);
  const { regenerate } = questions;

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

  return {
    runtime: model.runtime,
    conversation: conversations.conversation,
    summaries: conversations.summaries,
    draftKey: conversations.draftKey,
    settings,
    updateSettings,
    catalog: model.catalog,
    selectedModel: model.selectedModel,
    notices,
    dismissNotice,
    busy: runner.activeAnswerId !== null,
    selectModel: model.selectModel,
    loadSelectedModel,
    ...questions,
    stop: runner.stop,
    runOnCpu,
    retryLoad,
    ...switching,
  };
}
