import { useLayoutEffect, useRef } from 'react';
import { markdownBlocks, type MarkdownBlock } from './markdown.ts';
import './markdown.css';

interface ShownBlock {
  block: MarkdownBlock;
  nodes: ChildNode[];
}

/**
 * Untrusted model output rendered as sanitised Markdown (see markdown.ts), block by block: while an
 * answer streams, only the blocks whose source changed are rendered and replaced, normally the
 * last. The rest of the answer keeps its nodes, so its cost does not grow with the answer's
 * length, and text the person selects in it stays selected.
 */
export function Markdown({ text }: { text: string }) {
  const container = useRef<HTMLDivElement>(null);
  const shown = useRef<ShownBlock[]>([]);
  useLayoutEffect(() => {
    const element = container.current!;
    const blocks = markdownBlocks(text, shown.current.map(({ block }) => block));
    let same = 0;
    while (same < blocks.length && same < shown.current.length && blocks[same] === shown.current[same]!.block) same++;
    for (const { nodes } of shown.current.slice(same)) for (const node of nodes) node.remove();
    const next = shown.current.slice(0, same);
    for (const block of blocks.slice(same)) {
      const template = document.createElement('template');
      template.innerHTML = block.html;
      const nodes = [...template.content.childNodes];
      element.append(template.content);
      next.push({ block, nodes });
    }
    shown.current = next;
  }, [text]);
  return <div className="markdown" ref={container} />;
}
