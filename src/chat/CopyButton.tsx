import { useEffect, useState } from 'react';
import { CheckIcon, CopyIcon } from '../lib/icons.tsx';

/** Puts `text` on the clipboard (through a selection when the Clipboard API is refused). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (some embeds): the old way, through a selection.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** Whether something was just copied: true for a moment after `flash()`, for a "Copied" label. */
export function useCopiedFlash(): [copied: boolean, flash: () => void] {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1600);
    return () => clearTimeout(timer);
  }, [copied]);
  return [copied, () => setCopied(true)];
}

/** Copies the answer's Markdown; says "Copied" for a moment. */
export function CopyButton({ text }: { text: string }) {
  const [copied, flashCopied] = useCopiedFlash();
  return (
    <button type="button" className="action-button" aria-label="Copy" title="Copy the answer" onClick={() => void copyText(text).then(flashCopied)}>
      {copied ? <CheckIcon /> : <CopyIcon />}
      <span className="action-label" aria-hidden="true">
        {copied ? 'Copied' : 'Copy'}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {copied ? 'Copied' : ''}
      </span>
    </button>
  );
}
