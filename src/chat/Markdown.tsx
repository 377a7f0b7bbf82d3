import { useMemo } from 'react';
import { renderMarkdown } from './markdown.ts';
import './markdown.css';

/** Untrusted model output rendered as sanitised Markdown (see markdown.ts). */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
