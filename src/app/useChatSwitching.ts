/**
 * New chat, open a stored one, delete one. Leaving a chat first stops its answer and clears the
 * worker's KV cache and images, which belong to the chat being left.
 */
import { useCallback } from 'react';
import type { VlmBridge } from '../bridge/index.ts';
import { emptyConversation } from '../chat/conversation.ts';
import { newId } from '../lib/ids.ts';
import type { Conversations } from './useConversations.ts';

export interface ChatSwitching {
  newChat: () => Promise<void>;
  openChat: (id: string) => Promise<void>;
  deleteChat: (id: string) => Promise<void>;
}

export function useChatSwitching(
  bridge: Pick<VlmBridge, 'reset'>,
  conversations: Pick<Conversations, 'chatRef' | 'show' | 'load' | 'remove'>,
  /** Stops the running answer and waits for it to settle. */
  settle: () => Promise<void>,
): ChatSwitching {
  const { chatRef, show, load, remove } = conversations;

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

  return { newChat, openChat, deleteChat };
}
