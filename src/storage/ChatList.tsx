/** Past chats, newest first: open one, or delete it (with a confirmation step). */
import { useState } from 'react';
import { TrashIcon } from '../lib/icons.tsx';
import type { ConversationSummary } from './db.ts';
import './storage.css';

function when(updatedAt: number, now: number): string {
  const minutes = Math.round((now - updatedAt) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const date = new Date(updatedAt);
  if (minutes < 24 * 60 && date.getDate() === new Date(now).getDate()) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function ChatList({
  summaries,
  activeId,
  now,
  onOpen,
  onDelete,
}: {
  summaries: ConversationSummary[];
  activeId: string;
  now: number;
  onOpen: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (!summaries.length) return <p className="chat-list-empty muted">Your chats are kept on this device and appear here.</p>;
  return (
    <ul className="chat-list">
      {summaries.map((summary) => (
        <li key={summary.id} className={summary.id === activeId ? 'active' : ''}>
          {confirming === summary.id ? (
            <div className="chat-confirm" role="group" aria-label={`Delete ${summary.title}?`}>
              <span>Delete this chat?</span>
              <button
                type="button"
                className="button danger small"
                autoFocus
                onClick={() => {
                  setConfirming(null);
                  onDelete(summary.id);
                }}
              >
                Delete
              </button>
              <button type="button" className="button secondary small" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          ) : (
            <>
              <button type="button" className="chat-link" aria-current={summary.id === activeId ? 'page' : undefined} onClick={() => onOpen(summary.id)}>
                <span className="chat-title">{summary.title}</span>
                <span className="chat-meta">
                  {when(summary.updatedAt, now)}
                  {summary.imageCount > 0 && ` · ${summary.imageCount} ${summary.imageCount === 1 ? 'image' : 'images'}`}
                </span>
              </button>
              <button type="button" className="icon-button small chat-delete" aria-label={`Delete chat “${summary.title}”`} title="Delete chat" onClick={() => setConfirming(summary.id)}>
                <TrashIcon />
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
