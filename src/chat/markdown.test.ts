// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeHtml } from './markdown.ts';

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
