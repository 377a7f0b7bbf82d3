// @vitest-environment jsdom
/** The Markdown component while an answer streams: only what changed is replaced. */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Markdown } from './Markdown.tsx';
import { renderMarkdown } from './markdown.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLElement;
beforeEach(() => {
  host = document.body.appendChild(document.createElement('div'));
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const show = (text: string) => act(() => root.render(<Markdown text={text} />));
const markdown = () => host.querySelector('.markdown')!;

it('keeps the nodes of the blocks that did not change, and shows exactly what the whole text renders to', () => {
  const answer = 'The sea is **blue**.\n\n- waves\n- salt\n\nIt covers most of the planet, and';
  show(answer.slice(0, 30));
  const firstParagraph = markdown().querySelector('p')!;
  for (let length = 31; length <= answer.length; length++) {
    show(answer.slice(0, length));
    expect(markdown().innerHTML).toBe(renderMarkdown(answer.slice(0, length)));
  }
  // The first paragraph was never rebuilt: a selection in it would have stayed.
  expect(markdown().querySelector('p')).toBe(firstParagraph);
  expect(firstParagraph.isConnected).toBe(true);

  // An edit far back (a regenerated answer, a reload) replaces what changed and what follows.
  show('Another answer.');
  expect(markdown().innerHTML).toBe(renderMarkdown('Another answer.'));
  expect(firstParagraph.isConnected).toBe(false);
  show('');
  expect(markdown().innerHTML).toBe('');
});
