/** Export the open chat as Markdown (to read) or JSON (complete, images included). */
import { useEffect, useRef, useState } from 'react';
import type { Conversation } from '../chat/conversation.ts';
import { DownloadIcon } from '../lib/icons.tsx';
import { conversationToJson, conversationToMarkdown, exportFileName } from './export.ts';

function download(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportMenu({ conversation, disabled }: { conversation: Conversation; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const exportAs = async (format: 'md' | 'json') => {
    setOpen(false);
    if (format === 'md') download(conversationToMarkdown(conversation), 'text/markdown;charset=utf-8', exportFileName(conversation, 'md'));
    else download(await conversationToJson(conversation), 'application/json', exportFileName(conversation, 'json'));
  };

  return (
    <div className="export-menu" ref={root}>
      <button type="button" className="icon-button" aria-label="Export chat" aria-expanded={open} title="Export chat" disabled={disabled} onClick={() => setOpen((value) => !value)}>
        <DownloadIcon />
      </button>
      {open && (
        <div className="popover menu" role="group" aria-label="Export chat">
          <button type="button" className="menu-item" onClick={() => void exportAs('md')}>
            Export as Markdown
          </button>
          <button type="button" className="menu-item" onClick={() => void exportAs('json')}>
            Export as JSON <span className="muted">(with images)</span>
          </button>
        </div>
      )}
    </div>
  );
}
