/** Notices above the chat (a chat that could not be saved, a runtime that restarted); a text shown again moves to the end instead of repeating. */
import { useCallback, useState } from 'react';
import { newId } from '../lib/ids.ts';

export interface Notice {
  id: string;
  tone: 'info' | 'warning';
  text: string;
}

export type Notify = (text: string, tone?: Notice['tone']) => void;

export function useNotices(): { notices: Notice[]; notify: Notify; dismissNotice: (id: string) => void } {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((text, tone = 'info') => {
    setNotices((list) => [...list.filter((notice) => notice.text !== text), { id: newId('notice'), tone, text }]);
  }, []);
  const dismissNotice = useCallback((id: string) => setNotices((list) => list.filter((notice) => notice.id !== id)), []);
  return { notices, notify, dismissNotice };
}
