// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Turn } from './controller.ts';
import { TurnView } from './TurnView.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLOListElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('ol');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const turn = (patch: Partial<Turn>): Turn => ({ id: 'turn-1', from: 'person', role: 'assistant', text: '', images: [], status: 'done', error: null, ...patch });
const render = (value: Turn) => act(async () => root.render(<TurnView turn={value} hostOrigin="https://shop.example" />));

describe("the widget's answers", () => {
  it('render as Markdown elements', async () => {
    await render(turn({ text: 'A **red** mug:\n\n- ceramic\n- `350 ml`\n\n[maker](https://example.com)' }));
    const markdown = container.querySelector('.vlm-assistant .markdown')!;
    expect(markdown.querySelector('strong')?.textContent).toBe('red');
    expect([...markdown.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['ceramic', '350 ml']);
    expect(markdown.querySelector('a')?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('never turn hostile model output into live HTML', async () => {
    const hostile =
      'Hi <script>window.ran = 1</script> <img src=x onerror="window.ran = 2"> <iframe src="https://evil.example"></iframe>\n\n' +
      '[click](javascript:window.ran=3) ![tracker](https://evil.example/t.png) <a href="https://evil.example" onclick="window.ran=4">x</a>\n\n' +
      '<svg onload="window.ran=5"><foreignObject><p style="background:url(https://evil.example)">s</p></foreignObject></svg>';
    await render(turn({ text: hostile, status: 'streaming' }));
    const markdown = container.querySelector('.markdown')!;
    expect(markdown.querySelectorAll('script, img, iframe, svg, foreignObject, [style]')).toHaveLength(0);
    const attributes = [...markdown.querySelectorAll('*')].flatMap((element) => element.getAttributeNames());
    expect(attributes.filter((name) => name.startsWith('on'))).toEqual([]);
    expect(markdown.innerHTML).not.toMatch(/javascript:|evil\.example\/t\.png/);
    // The markup is shown as the text it is. (Whether anything would run is not asked here: jsdom
    // runs no scripts and loads no images, so it could not fail. The DOM above is what matters;
    // e2e/embed-widget.spec.ts checks the frame's CSP blocks what a bypass would add.)
    expect(markdown.textContent).toContain('<script>window.ran = 1</script>');
  });

  it('keep questions as plain text and show a streaming placeholder', async () => {
    await render(turn({ role: 'user', text: '**not bold** <b>nor this</b>' }));
    expect(container.querySelector('.markdown')).toBeNull();
    expect(container.querySelector('p')?.textContent).toBe('**not bold** <b>nor this</b>');
    await render(turn({ text: '', status: 'streaming' }));
    expect(container.querySelector('p')?.textContent).toBe('…');
  });
});
