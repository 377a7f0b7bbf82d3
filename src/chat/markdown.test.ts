// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { markdownBlocks, renderMarkdown, sanitizeHtml, type MarkdownBlock } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders the Markdown a model writes', () => {
    const html = renderMarkdown('**Bold** and `code`\n\n- one\n- two\n\n```js\nlet x = 1 < 2;\n```');
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('let x = 1 &lt; 2;');
  });

  it('shows raw HTML as text instead of running it', () => {
    const html = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror=alert(1)> <b onclick="x()">b</b>');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelectorAll('script, img, b').length).toBe(0);
    expect([...doc.querySelectorAll('*')].flatMap((el) => el.getAttributeNames()).filter((name) => name.startsWith('on'))).toEqual([]);
    expect(doc.body.textContent).toContain('<script>alert(1)</script>');
  });

  it('drops javascript: and data: links and keeps safe ones inert to the opener', () => {
    const html = renderMarkdown('[a](javascript:alert(1)) [b](data:text/html,hi) [c](https://example.com) [d](JaVaScRiPt:x)');
    expect(html).not.toMatch(/javascript:|data:/i);
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('sanitises whatever HTML reaches it (second line of defence)', () => {
    const html = sanitizeHtml(
      '<details open ontoggle=alert(1)><summary>x</summary></details><a href="javascript:alert(1)">x</a><img src="https://x/y.png">' +
        '<p style="background:url(https://x/)" onclick="1">p</p><svg><use href="#x"/></svg><iframe src="https://x"></iframe><form><button>b</button></form>',
    )!;
    expect(html).not.toMatch(/<details|ontoggle|javascript|<img|style=|onclick|<svg|<iframe|<form|<button/i);
    expect(html).toContain('<p>p</p>');
  });

  it('never fetches a remote image', () => {
    const html = renderMarkdown('![a cat](https://evil.example/track.png)');
    expect(html).not.toMatch(/<img|evil\.example/);
    expect(html).toContain('[image: a cat]');
  });
});

/** Answers as a model writes them: every kind of block, and the ones that change what came before. */
const ANSWERS = [
  '**Bold** and `code`\n\n- one\n- two\n\n```js\nlet x = 1 < 2;\n```\n\nThe end.',
  'A title\n=======\n\nText under a setext heading, then a rule\n\n---\n\n> a quote\n> on two lines\n\n1. first\n2. second\n\n   still second',
  '| a | b |\n| --- | --- |\n| 1 | 2 |\n\nSee [the docs][docs] and [this](https://example.com).\n\n[docs]: https://example.com/docs',
  'Raw <b onclick="x()">html</b> and ![img](https://x/y.png)\n\n    indented code\n\n- [ ] task\n- [x] done',
];

describe('markdownBlocks', () => {
  it('renders each block on its own, and joined they are the whole text rendered at once', () => {
    for (const text of ANSWERS) {
      expect(markdownBlocks(text).map((block) => block.html).join('')).toBe(renderMarkdown(text));
    }
  });

  it('streamed a character at a time, reusing the blocks before, gives the same HTML at every step', () => {
    for (const text of ANSWERS) {
      let blocks: MarkdownBlock[] = [];
      for (let length = 1; length <= text.length; length++) {
        blocks = markdownBlocks(text.slice(0, length), blocks);
        expect(blocks.map((block) => block.html).join('')).toBe(renderMarkdown(text.slice(0, length)));
      }
    }
  });

  it('keeps a finished block as the same object and renders only the one that changed', () => {
    const first = markdownBlocks('First paragraph.\n\nSecond');
    const next = markdownBlocks('First paragraph.\n\nSecond, longer', first);
    expect(next[0]).toBe(first[0]);
    expect(next.at(-1)).not.toBe(first.at(-1));
    // A reference definition arriving later changes the blocks before it: they render again.
    const withLink = markdownBlocks('See [docs].\n\n', []);
    const defined = markdownBlocks('See [docs].\n\n[docs]: https://example.com', withLink);
    expect(defined[0]).not.toBe(withLink[0]);
    expect(defined[0]!.html).toContain('href="https://example.com"');
  });
});
