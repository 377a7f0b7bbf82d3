/**
 * The open conversation and the stored ones: every change worth keeping (not each streamed token)
 * is saved to IndexedDB, images included; the chat that was open comes back after a reload.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { conversationReducer, emptyConversation, type Conversation, type ConversationAction, type ConversationState } from '../chat/conversation.ts';
import { newId } from '../lib/ids.ts';
import { ConversationStore, type ConversationSummary } from '../storage/index.ts';
import { describeError } from '../../workers/errors.ts';

const ACTIVE_CHAT_KEY = 'vlm-chat.active-conversation';

const store = new ConversationStore();

function storedActiveChat(): string | null {
  try {
    return localStorage.getItem(ACTIVE_CHAT_KEY);
  } catch {
    return null;
  }
}

function rememberActiveChat(id: string | null): void {
  try {
    if (id) localStorage.setItem(ACTIVE_CHAT_KEY, id);
    else localStorage.removeItem(ACTIVE_CHAT_KEY);
  } catch {
    // Storage unavailable: the chat is still in IndexedDB and in the list.
  }
}

export interface Conversations {
  conversation: Conversation;
  /** The latest state, for async flows (never read during render). */
  chatRef: RefObject<ConversationState>;
  dispatchChat: (action: ConversationAction) => void;
  summaries: ConversationSummary[];
  /** Shows a conversation (an empty one for a new chat). */
  show: (conversation: Conversation) => void;
  /** A stored conversation, or undefined when it is gone. */
  load: (id: string) => Promise<Conversation | undefined>;
  remove: (id: string) => Promise<void>;
}

export function useConversations(notify: (text: string, tone?: 'info' | 'warning') => void): Conversations {
  const [chat, dispatchChat] = useReducer(conversationReducer, null, (): ConversationState => ({
    conversation: emptyConversation(newId('chat'), Date.now()),
    revision: 0,
  }));
  const [summaries, setSummaries] = useState<ConversationSummary[]>([]);
  const chatRef = useRef(chat);
  const savedRevisionRef = useRef(0);
  const startedRef = useRef(false);
  useLayoutEffect(() => {
    chatRef.current = chat;
  });

  const refreshSummaries = useCallback(() => {
    store.list().then(setSummaries, (error: unknown) => console.warn('Could not list chats', error));
  }, []);

  const show = useCallback((conversation: Conversation) => {
    dispatchChat({ type: 'open', conversation });
    rememberActiveChat(conversation.messages.length ? conversation.id : null);
  }, []);

  const load = useCallback(
    async (id: string) => {
      const conversation = await store.get(id);
      if (!conversation) {
        notify('That chat is no longer stored on this device.', 'warning');
        refreshSummaries();
      }
      return conversation;
    },
    [notify, refreshSummaries],
  );

  const remove = useCallback(
    async (id: string) => {
      await store.delete(id).catch((error: unknown) => notify(`Could not delete the chat: ${describeError(error).message}`, 'warning'));
      refreshSummaries();
    },
    [notify, refreshSummaries],
  );

  // Save on every change worth saving.
  useEffect(() => {
    if (chat.revision === savedRevisionRef.current) return;
    savedRevisionRef.current = chat.revision;
    const { conversation } = chat;
    if (!conversation.messages.length) return;
    rememberActiveChat(conversation.id);
    store.put(conversation).then(refreshSummaries, (error: unknown) => notify(`This chat could not be saved on this device: ${describeError(error).message}`, 'warning'));
  }, [chat, notify, refreshSummaries]);

  // On start: the chat list, and the chat that was open before the reload.
  useEffect(() => {
    if (startedRef.current) return;
    startedRef.current = true;
    refreshSummaries();
    const active = storedActiveChat();
    if (!active) return;
    store.get(active).then(
      (conversation) => {
        // Only if the person has not started a new chat meanwhile.
        if (conversation && chatRef.current.conversation.messages.length === 0) show(conversation);
      },
      (error: unknown) => console.warn('Could not reopen the last chat', error),
    );
  }, [refreshSummaries, show]);

  return { conversation: chat.conversation, chatRef, dispatchChat, summaries, show, load, remove };
}
