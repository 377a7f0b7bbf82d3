/**
 * The composer's draft, kept per chat across reloads (DraftSaver does the writing): it comes back
 * when its chat is shown again, and the draft of the chat being left is saved and does not follow
 * the person into the next one. While `key` is null (the chat to show is not known yet, right
 * after a reload) nothing is loaded.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Draft } from '../storage/index.ts';
import { DraftSaver, type DraftStorage } from './draft-saver.ts';

const EMPTY_DRAFT: Draft = { text: '', images: [] };

/** Where the draft is kept: the chat it belongs to, and the store. */
export interface SavedDraftOptions {
  key: string | null;
  storage: DraftStorage;
}

/**
 * Loads the draft of `key` into the composer with `restore` (which must not report an edit), and
 * returns what the composer calls after each edit by the person, `current` being the draft then.
 */
export function useSavedDraft(saved: SavedDraftOptions | undefined, current: () => Draft, restore: (draft: Draft) => void): () => void {
  const key = saved?.key ?? null;
  const storage = saved?.storage;
  const [saver] = useState(() => storage && new DraftSaver(storage));
  const keyRef = useRef<string | null>(null);
  /** Edited since the last restore: what the person typed is not overwritten by a slower load. */
  const editedRef = useRef(false);

  const edited = useCallback(() => {
    editedRef.current = true;
    if (saver && keyRef.current !== null) saver.edited(keyRef.current, current());
  }, [current, saver]);

  useEffect(() => {
    if (!saver || key === null) return;
    const leaving = keyRef.current;
    saver.flush();
    keyRef.current = key;
    if (leaving !== null && leaving !== key) {
      restore(EMPTY_DRAFT);
      editedRef.current = false;
    }
    let shown = true;
    void saver.load(key).then((draft) => {
      if (!shown) return;
      // Typed while the draft was being read (just after a reload or a switch): what was typed
      // wins, kept as this chat's draft.
      if (editedRef.current) saver.edited(key, current());
      else if (draft) restore(draft);
    });
    return () => {
      shown = false;
    };
  }, [current, key, restore, saver]);

  // Leaving the page (reload, tab closed, switched away on a phone): write what waits.
  useEffect(() => {
    if (!saver) return;
    const flush = () => saver.flush();
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      flush();
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [saver]);

  return edited;
}
