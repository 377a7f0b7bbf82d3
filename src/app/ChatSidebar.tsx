/** The chat list: "New chat" and the past chats, with how long ago each was used; a drawer (with a scrim) on narrow screens. */
import { useEffect, useState } from 'react';
import { CloseIcon, ImageIcon, PlusIcon } from '../lib/icons.tsx';
import { ChatList, type ConversationSummary } from '../storage/index.ts';
import type { ChatDrawer } from './useChatDrawer.ts';

/** The current time, refreshed every minute (for "5 min ago"). */
function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function ChatSidebar({
  drawer,
  summaries,
  activeId,
  onNewChat,
  onOpenChat,
  onDeleteChat,
}: {
  drawer: ChatDrawer;
  summaries: ConversationSummary[];
  activeId: string;
  onNewChat: () => void;
  onOpenChat: (id: string) => void;
  onDeleteChat: (id: string) => void;
}) {
  const now = useNow();
  return (
    <>
      <aside className="sidebar" aria-label="Chats">
        <div className="sidebar-head">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true">
              <ImageIcon />
            </span>
            VLM Chat
          </span>
          <button type="button" className="icon-button sidebar-close" aria-label="Close chat list" onClick={drawer.dismiss}>
            <CloseIcon />
          </button>
        </div>
        <button
          type="button"
          className="button new-chat"
          onClick={() => {
            drawer.close();
            onNewChat();
          }}
        >
          <PlusIcon /> New chat
        </button>
        <h2 className="sidebar-title">Recent</h2>
        <nav aria-label="Past chats">
          <ChatList
            summaries={summaries}
            activeId={activeId}
            now={now}
            onOpen={(id) => {
              drawer.close();
              onOpenChat(id);
            }}
            onDelete={onDeleteChat}
          />
        </nav>
      </aside>
      <div className="sidebar-scrim" aria-hidden="true" onClick={drawer.close} />
    </>
  );
}
