/**
 * The chat list as a drawer on narrow screens: focus moves into it when it opens and, when it is
 * dismissed, back to the toggle once the page behind is no longer inert (the next render).
 */
import { useCallback, useEffect, useRef, useState } from 'react';

/** Where the chat list becomes a drawer; the same width as the media query in app.css. */
const NARROW_SCREEN = '(max-width: 54rem)';

export interface ChatDrawer {
  isOpen: boolean;
  open: () => void;
  /** Closes it after a choice made in it (focus goes where the choice leads). */
  close: () => void;
  /** Closes it and gives focus back to the toggle (Escape, the close button). */
  dismiss: () => void;
}

export function useChatDrawer(): ChatDrawer {
  const [isOpen, setOpen] = useState(false);
  const focusToggleOnClose = useRef(false);
  const open = useCallback(() => setOpen(true), []);
  const close = useCallback(() => setOpen(false), []);
  const dismiss = useCallback(() => {
    focusToggleOnClose.current = true;
    setOpen(false);
  }, []);

  // The drawer exists only on narrow screens: widening the window closes it (else the page
  // behind would stay inert with no drawer to close).
  useEffect(() => {
    const narrow = window.matchMedia(NARROW_SCREEN);
    const onChange = () => {
      if (!narrow.matches) setOpen(false);
    };
    narrow.addEventListener('change', onChange);
    return () => narrow.removeEventListener('change', onChange);
  }, []);

  useEffect(() => {
    if (!isOpen) {
      if (focusToggleOnClose.current) document.querySelector<HTMLButtonElement>('.sidebar-toggle')?.focus();
      focusToggleOnClose.current = false;
      return;
    }
    document.querySelector<HTMLButtonElement>('.sidebar .new-chat')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') dismiss();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [isOpen, dismiss]);

  return { isOpen, open, close, dismiss };
}
