/**
 * Notices above the chat (a chat that could not be saved, a runtime that restarted); a text shown
 * again moves to the end instead of repeating. A standing notice (`setStanding`) says a condition
 * that lasts, such as chats not being saved: it has a key, is replaced rather than repeated, has no
 * dismiss button, and goes when the condition ends.
 */
import { useCallback, useState } from 'react';
import { newId } from '../lib/ids.ts';

export interface Notice {
  id: string;
  tone: 'info' | 'warning';
  text: string;
  /** Stays until the condition it reports ends (no dismiss button). */
  standing?: boolean;
}

export type Notify = (text: string, tone?: Notice['tone']) => void;
/** Shows the standing notice `key` with `text`, or removes it when `text` is null. */
export type SetStanding = (key: string, text: string | null, tone?: Notice['tone']) => void;

export function useNotices(): { notices: Notice[]; notify: Notify; setStanding: SetStanding; dismissNotice: (id: string) => void } {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((text, tone = 'info') => {
    setNotices((list) => [...list.filter((notice) => notice.text !== text), { id: newId('notice'), tone, text }]);
  }, []);
  const setStanding = useCallback<SetStanding>((key, text, tone = 'warning') => {
    setNotices((list) => {
      const shown = list.find((notice) => notice.id === key);
      if (text === null) return shown ? list.filter((notice) => notice.id !== key) : list;
      if (shown?.text === text && shown.tone === tone) return list;
      const next = { id: key, tone, text, standing: true };
      return shown ? list.map((notice) => (notice.id === key ? next : notice)) : [...list, next];
    });
  }, []);
  const dismissNotice = useCallback((id: string) => setNotices((list) => list.filter((notice) => notice.id !== id)), []);
  return { notices, notify, setStanding, dismissNotice };
}
