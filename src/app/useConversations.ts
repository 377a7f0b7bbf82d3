/**
 * The open conversation and the stored ones, saved to IndexedDB with their images: every change
 * worth keeping at once; the text of a streaming answer (on its own, see ConversationStore) at
 * most once a second and when the page is hidden or goes away. The chat that was open comes back
 * after a reload, an answer cut short by it marked so (settleInterrupted). While saving fails (storage
 * full, refused, or held by another tab) one standing notice says what is not saved and why; the
 * save is tried again on the next change, every few seconds, and when the page is back in focus
 * or online, and the notice goes once a save succeeds.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { conversationReducer, emptyConversation, runningAnswer, type Conversation, type ConversationAction, type ConversationState } from '../chat/conversation.ts';
import { newId } from '../lib/ids.ts';
import { Throttle } from '../lib/throttle.ts';
import { ConversationStore, saveFailureWarning, type ConversationSummary } from '../storage/index.ts';
import { describeError } from '../../workers/errors.ts';
import type { Notify, SetStanding } from './useNotices.ts';

const ACTIVE_CHAT_KEY = 'vlm-chat.active-conversation';
/** A streaming answer is saved at most this often: a reload or a crash loses at most this much of it. */
const STREAMING_SAVE_INTERVAL_MS = 1000;
/** While saving fails, it is tried again this often even if nothing changes (another tab closed, room made in Settings). */
const SAVE_RETRY_INTERVAL_MS = 3000;
/** The key of the standing notice shown while chats are not being saved. */
const NOT_SAVED_NOTICE = 'chat-not-saved';
/**
 * The composer's draft in a chat with no message yet: one for every new chat (the new chat's id is
 * not kept across a reload, and its draft should be), deleted when its first message is sent.
 */
export const NEW_CHAT_DRAFT_KEY = 'new-chat';

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
  /** The saved draft the composer shows: this chat's, or the new chat's; null until the chat open before a reload is back. */
  draftKey: string | null;
  /** Shows a conversation (an empty one for a new chat). */
  show: (conversation: Conversation) => void;
  /** A stored conversation, or undefined when it is gone. */
  load: (id: string) => Promise<Conversation | undefined>;
  remove: (id: string) => Promise<void>;
}

export function useConversations(notify: Notify, setStanding: SetStanding): Conversations {
  const [chat, dispatchChat] = useReducer(conversationReducer, null, (): ConversationState => ({
    conversation: emptyConversation(newId('chat'), Date.now()),
    revision: 0,
  }));
  const [summaries, setSummaries] = useState<ConversationSummary[]>([]);
  const [reopening, setReopening] = useState(() => storedActiveChat() !== null);
  const chatRef = useRef(chat);
  const savedRevisionRef = useRef(0);
  /** The streaming answer's text as last saved, so the same text is not written again. */
  const streamedRef = useRef<{ answerId: string; text: string } | null>(null);
  const startedRef = useRef(false);
  /** Whether the last save failed (the standing notice is up and saves are retried). */
  const [saveFailing, setSaveFailing] = useState(false);
  /** Counts saves, so only the latest one's outcome sets the notice. */
  const saveCountRef = useRef(0);
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

  const saveFailed = useCallback(
    (error: unknown) => {
      console.warn('Could not save the chat', error);
      setStanding(NOT_SAVED_NOTICE, saveFailureWarning(error), 'warning');
      setSaveFailing(true);
    },
    [setStanding],
  );

  const saveWorked = useCallback(() => {
    setStanding(NOT_SAVED_NOTICE, null);
    setSaveFailing(false);
  }, [setStanding]);

  /** Writes the chat as it is now, with this revision. */
  const writeChat = useCallback(() => {
    const { conversation, revision } = chatRef.current;
    savedRevisionRef.current = revision;
    streamedRef.current = null;
    if (!conversation.messages.length) return;
    rememberActiveChat(conversation.id);
    const save = ++saveCountRef.current;
    store.put(conversation).then(
      () => {
        refreshSummaries();
        if (save === saveCountRef.current) saveWorked();
      },
      (error: unknown) => {
        if (save === saveCountRef.current) saveFailed(error);
      },
    );
  }, [refreshSummaries, saveFailed, saveWorked]);

  /** Saves the text the running answer has now, unless that text is saved already. */
  const saveStreamedText = useCallback(() => {
    const { conversation } = chatRef.current;
    const answer = runningAnswer(conversation);
    const saved = streamedRef.current;
    if (!answer?.text || (saved?.answerId === answer.id && saved.text === answer.text)) return;
    streamedRef.current = { answerId: answer.id, text: answer.text };
    // Only a whole-chat save clears the notice: a small write may fit where the chat does not.
    store.putStreamingAnswer(conversation.id, answer.id, answer.text).catch(saveFailed);
  }, [saveFailed]);

  // Streamed pieces do not bump the revision (the list and the title do not change with them).
  const [streamingSave] = useState(() => new Throttle(STREAMING_SAVE_INTERVAL_MS));

  useEffect(() => {
    if (chat.revision === savedRevisionRef.current) {
      streamingSave.request(saveStreamedText);
      return;
    }
    streamingSave.cancel();
    writeChat();
  }, [chat, saveStreamedText, streamingSave, writeChat]);

  // Leaving (reload, tab closed, app switched away on a phone, which may then be killed): save
  // what streamed since the last save. pagehide covers a reload; visibilitychange the cases where
  // pagehide never comes.
  useEffect(() => {
    const saveNow = () => {
      streamingSave.cancel();
      if (chatRef.current.revision !== savedRevisionRef.current) writeChat();
      saveStreamedText();
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden') saveNow();
    };
    window.addEventListener('pagehide', saveNow);
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      streamingSave.flush();
      window.removeEventListener('pagehide', saveNow);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [saveStreamedText, streamingSave, writeChat]);

  // Saving failed: try again without waiting for a change, since what stood in the way may be gone
  // (the other tab closed, room made in Settings, the connection back).
  useEffect(() => {
    if (!saveFailing) return;
    const retry = () => {
      if (chatRef.current.conversation.messages.length) {
        writeChat();
        return;
      }
      // Nothing to save in an empty chat: the notice goes once storage answers again.
      const save = ++saveCountRef.current;
      store.list().then(
        (list) => {
          setSummaries(list);
          if (save === saveCountRef.current) saveWorked();
        },
        () => undefined,
      );
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') retry();
    };
    const timer = setInterval(retry, SAVE_RETRY_INTERVAL_MS);
    window.addEventListener('online', retry);
    window.addEventListener('focus', retry);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', retry);
      window.removeEventListener('focus', retry);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [saveFailing, saveWorked, writeChat]);

  // On start: the chat list, and the chat that was open before the reload.
  useEffect(() => {
    if (startedRef.current) return;
    startedRef.current = true;
    refreshSummaries();
    const active = storedActiveChat();
    if (!active) return;
    store
      .get(active)
      .then(
        (conversation) => {
          // Only if the person has not started a new chat meanwhile.
          if (conversation && chatRef.current.conversation.messages.length === 0) show(conversation);
        },
        (error: unknown) => console.warn('Could not reopen the last chat', error),
      )
      .finally(() => setReopening(false));
  }, [refreshSummaries, show]);

  const { conversation } = chat;
  const draftKey = reopening ? null : conversation.messages.length ? conversation.id : NEW_CHAT_DRAFT_KEY;
  return { conversation, chatRef, dispatchChat, summaries, draftKey, show, load, remove };
}
