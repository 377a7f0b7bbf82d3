/**
 * The embeddable widget as a site uses it: the demo shop (its own origin, strict CSP) loads
 * embed.js from the app origin, and `<vlm-chat>` frames embed.html there, which runs the real
 * worker on the generated test model. Nothing is mocked.
 */
import { checkEmbedLoaderSize } from '../scripts/build/embed-budget.ts';
import { appOriginOf, connectedWidget, cspViolations, recordCspViolations, recordWidgetEvents, startHost, widgetEvents, type Server } from './embed-helpers.ts';
import { expect, test, TEST_MODEL_ID, watchConsole } from './fixtures.ts';

/** The element's API as the host page sees it (src/embed-loader/vlm-chat-element.ts). */
type VlmChat = HTMLElement & {
  ask(request: { text: string; images?: unknown[]; maxNewTokens?: number; signal?: AbortSignal }): Promise<string>;
  stop(): void;
  reset(): void;
};

let host: Server | undefined;
test.beforeEach(async ({ context }) => {
  await recordCspViolations(context);
});
test.afterEach(async ({ context }) => {
  // Pages first: their keep-alive connections would hold the server's close.
  for (const open of context.pages()) await open.close();
  await host?.close();
  host = undefined;
});

/** Console errors that are not about the embed (ORT's own warnings are logged as errors). */
const relevant = (errors: string[]) => errors.filter((error) => !/onnxruntime|favicon|status of 404/i.test(error));

test.describe('embeddable widget', () => {
  test('embed.js is within its size budget and served for use by other sites', async ({ request, baseURL }) => {
    const app = appOriginOf(baseURL);
    const script = await request.get(`${app}/embed.js`);
    expect(script.status()).toBe(200);
    expect(script.headers()['content-type']).toContain('javascript');
    expect(script.headers()['access-control-allow-origin']).toBe('*');
    expect(script.headers()['cross-origin-resource-policy']).toBe('cross-origin');
    const size = checkEmbedLoaderSize(await script.body());
    expect(size.problem).toBeNull();
    expect(size.bytes).toBeGreaterThan(1000);

    const frame = await request.get(`${app}/embed.html`);
    expect(frame.headers()['cross-origin-resource-policy']).toBe('cross-origin');
    expect(frame.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    // The frame's own policy (scripts/build/embed-headers.ts): no inline script, nothing foreign.
    const frameCsp = frame.headers()['content-security-policy'] ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", 'frame-ancestors *']) {
      expect(frameCsp).toContain(directive);
    }
    expect(frameCsp).not.toContain('unsafe-inline');
    // The app's other pages stay same-origin only.
    const index = await request.get(`${app}/`);
    expect(index.headers()['cross-origin-resource-policy']).toBe('same-origin');
  });

  test('an isolated host page with a strict CSP asks about its product photo: streamed tokens, then the answer', async ({ page, baseURL }) => {
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: true });
    const errors = watchConsole(page);
    const response = await page.goto(`${host.url}/`);
    // The host really is locked down: only the app origin may provide scripts and frames.
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain(`script-src 'self' ${app};`);
    expect(csp).toContain(`frame-src ${app};`);
    expect(csp).toContain("require-trusted-types-for 'script'");
    await recordWidgetEvents(page);
    const widget = await connectedWidget(page, host.url);

    // The demo shop's own button: chat.ask({ images: [<img>], text }) and write the alt text.
    await page.getByRole('button', { name: 'Describe this photo for a screen reader' }).click();
    await expect(page.getByRole('button', { name: 'Describe this photo for a screen reader' })).toBeEnabled({ timeout: 120_000 });
    const altText = await page.locator('#product-photo').getAttribute('alt');
    expect(altText?.length).toBeGreaterThan(0);
    await expect(page.locator('#alt-text')).toHaveText(altText!);

    const events = await widgetEvents(page);
    expect(events.filter((event) => event.type === 'error')).toEqual([]);
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const { detail } of progress) expect(Object.keys(detail).sort()).toEqual(['loadedBytes', 'message', 'phase', 'totalBytes']);
    const ready = events.filter((event) => event.type === 'ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]!.detail).toEqual({ model: TEST_MODEL_ID, device: 'wasm', wasmThreads: expect.any(Number), crossOriginIsolated: true });
    expect(ready[0]!.detail.wasmThreads).toBeGreaterThanOrEqual(2);

    const tokens = events.filter((event) => event.type === 'token');
    const done = events.filter((event) => event.type === 'done');
    expect(done).toHaveLength(1);
    const { id } = done[0]!.detail;
    expect(done[0]!.detail).toEqual({ id, text: altText, finishReason: 'length' });
    // Streamed in pieces (one per token while the page keeps up, batched when it is busy).
    expect(tokens.length).toBeGreaterThan(1);
    for (const { detail } of tokens) expect(detail).toEqual({ id, text: expect.any(String) });
    expect(tokens.map((event) => event.detail.text).join('')).toBe(altText);
    // Order: the model is ready before the first piece; `done` comes last.
    const types = events.map((event) => event.type);
    expect(types.indexOf('ready')).toBeLessThan(types.indexOf('token'));
    expect(types.lastIndexOf('progress')).toBeLessThan(types.indexOf('ready'));
    expect(types.at(-1)).toBe('done');

    // Inside the frame: cross-origin isolated, WASM threads, and the host's question is shown as such.
    expect(await widget.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await expect(widget.getByRole('status')).toHaveAttribute('data-backend', /^wasm-[2-8]$/);
    await expect(widget.locator('.vlm-user[data-from="host"]')).toContainText(`Asked by ${host.url}`);
    // The answer is rendered as Markdown, and shows exactly the streamed text.
    await expect(widget.locator('.vlm-assistant[data-from="host"] .markdown')).toHaveText(altText!);
    expect(relevant(errors)).toEqual([]);
    // The whole flow (load, worker, WASM threads, streaming) runs under the frame's strict CSP.
    expect(await cspViolations(widget)).toEqual([]);
  });

  test('a person drops an image into the embedded chat and gets an answer; the host page receives nothing', async ({ page, baseURL }) => {
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: true });
    await page.goto(`${host.url}/`);
    await recordWidgetEvents(page);
    const widget = await connectedWidget(page, host.url);
    // Every message that reaches the host window from now on (the element's own listener aside).
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { hostMessages: unknown[] }).hostMessages = seen;
      window.addEventListener('message', (event) => seen.push(event.data), true);
    });

    // A real DataTransfer holding a real PNG file, made and dropped inside the frame.
    const dataTransfer = await widget.evaluateHandle(async () => {
      const canvas = new OffscreenCanvas(320, 240);
      const context = canvas.getContext('2d')!;
      for (let y = 0; y < 240; y += 16) {
        for (let x = 0; x < 320; x += 16) {
          context.fillStyle = `hsl(${(x + y) % 360} 70% 50%)`;
          context.fillRect(x, y, 16, 16);
        }
      }
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'my-kitchen.png', { type: 'image/png' }));
      return transfer;
    });
    const dropZone = widget.locator('.vlm');
    await dropZone.dispatchEvent('dragenter', { dataTransfer });
    await dropZone.dispatchEvent('dragover', { dataTransfer });
    await expect(widget.getByText('Drop the image to attach it')).toBeVisible();
    await dropZone.dispatchEvent('drop', { dataTransfer });
    await expect(widget.getByRole('img', { name: 'Attached image' })).toBeVisible();
    await expect(widget.getByText('Drop the image to attach it')).toBeHidden();

    await widget.getByLabel('Question').fill('What is in this picture?');
    await widget.getByRole('button', { name: 'Ask' }).click();
    await expect(widget.getByRole('button', { name: 'Stop' })).toBeVisible();
    const answer = widget.locator('.vlm-assistant[data-from="person"]');
    await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    // Rendered as Markdown: the answer's text (the controller's, as streamed) is inside the container.
    const streamed = await widget.evaluate(() => window.vlmEmbed.controller.getSnapshot().turns.find((turn) => turn.role === 'assistant')!.text);
    expect(streamed.trim().length).toBeGreaterThan(0);
    await expect(answer.locator('.markdown')).toHaveText(streamed);
    await expect(widget.locator('.vlm-user[data-from="person"] .vlm-thumb')).toHaveCount(1);
    await expect(widget.getByRole('button', { name: 'Ask' })).toBeVisible();

    // The person's image, question and answer never left the frame.
    expect(await page.evaluate(() => (window as unknown as { hostMessages: unknown[] }).hostMessages)).toEqual([]);
    expect(await widgetEvents(page)).toEqual([]);
    // The attached image (an object URL) and the rendered answer are within the frame's CSP.
    expect(await cspViolations(widget)).toEqual([]);
  });

  test("the frame's CSP blocks script injected into it, and markup styles and foreign images", async ({ page, baseURL }) => {
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: true });
    await page.goto(`${host.url}/`);
    const widget = await connectedWidget(page, host.url);
    expect(await cspViolations(widget)).toEqual([]);

    // What a sanitiser bypass could add to the frame's DOM: none of it may take effect.
    const effects = await widget.evaluate(async () => {
      const flags = window as unknown as Record<string, unknown>;
      const inline = document.createElement('script');
      inline.textContent = 'window.inlineRan = true';
      document.body.append(inline);
      const handler = document.createElement('div');
      handler.innerHTML = '<img src="/favicon.ico?handler" onerror="window.handlerRan = true" onload="window.handlerRan = true">';
      document.body.append(handler);
      const styled = document.createElement('div');
      styled.innerHTML = '<p style="color: rgb(1, 2, 3)">styled</p>';
      document.body.append(styled);
      const foreign = new Image();
      const foreignLoaded = await new Promise((resolve) => {
        foreign.onload = () => resolve('loaded');
        foreign.onerror = () => resolve('blocked');
        foreign.src = 'http://localhost:1/tracker.png';
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      return {
        inline: flags.inlineRan ?? null,
        handler: flags.handlerRan ?? null,
        style: getComputedStyle(styled.querySelector('p')!).color,
        foreignLoaded,
      };
    });
    expect(effects).toEqual({ inline: null, handler: null, style: expect.not.stringMatching(/rgb\(1, 2, 3\)/), foreignLoaded: 'blocked' });
    // (eval is not tried: Playwright's evaluate runs with CSP's eval check lifted, by CDP's design.)
    const directives = (await cspViolations(widget)).map((violation) => violation.directive);
    expect(directives).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr', 'style-src-attr', 'img-src']));
  });

  test('a host without COOP/COEP still gets answers, on single-threaded WASM, and the widget says so', async ({ page, baseURL }) => {
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: false });
    await page.goto(`${host.url}/`);
    await recordWidgetEvents(page);
    const widget = await connectedWidget(page, host.url);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);

    const answer = await page.evaluate(() =>
      document.querySelector<VlmChat>('vlm-chat')!.ask({ images: [document.querySelector('#product-photo')!], text: 'What is this?', maxNewTokens: 16 }),
    );
    expect(answer.length).toBeGreaterThan(0);
    const events = await widgetEvents(page);
    expect(events.find((event) => event.type === 'ready')?.detail).toEqual({ model: TEST_MODEL_ID, device: 'wasm', wasmThreads: 1, crossOriginIsolated: false });
    expect(events.find((event) => event.type === 'done')?.detail).toMatchObject({ text: answer, finishReason: 'length' });

    expect(await widget.evaluate(() => self.crossOriginIsolated)).toBe(false);
    const status = widget.getByRole('status');
    await expect(status).toHaveAttribute('data-backend', 'wasm-1');
    await expect(status).toContainText('WASM, 1 thread: this page is not cross-origin isolated');
  });

  test('stop() ends an answer early, an aborted signal rejects its ask, and reset() clears the conversation', async ({ page, baseURL }) => {
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: true });
    await page.goto(`${host.url}/`);
    await recordWidgetEvents(page);
    const widget = await connectedWidget(page, host.url);

    const stopped = await page.evaluate(async () => {
      const chat = document.querySelector<VlmChat>('vlm-chat')!;
      chat.addEventListener('token', () => chat.stop(), { once: true });
      const text = await chat.ask({ text: 'Tell me a very long story.', maxNewTokens: 1024 });
      return text;
    });
    let events = await widgetEvents(page);
    const done = events.find((event) => event.type === 'done')!;
    expect(done.detail).toEqual({ id: expect.any(String), text: stopped, finishReason: 'stopped' });
    expect(events.filter((event) => event.type === 'token').length).toBeLessThan(200);

    const aborted = await page.evaluate(async () => {
      const chat = document.querySelector<VlmChat>('vlm-chat')!;
      const controller = new AbortController();
      chat.addEventListener('token', () => controller.abort(), { once: true });
      try {
        await chat.ask({ text: 'Another long story, please.', maxNewTokens: 1024, signal: controller.signal });
        return 'resolved';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(aborted).toBe('AbortError');
    // The frame stopped that answer too: it is not running, and shows it as stopped.
    await expect(widget.locator('.vlm-assistant[data-from="host"]').last()).toHaveAttribute('data-status', 'stopped');
    await expect(widget.getByRole('button', { name: 'Ask' })).toBeVisible();

    await expect(widget.locator('.vlm-turn')).toHaveCount(4);
    await page.evaluate(() => document.querySelector<VlmChat>('vlm-chat')!.reset());
    await expect(widget.locator('.vlm-turn')).toHaveCount(0);
    await expect(widget.getByText('Drop an image here or pick one')).toBeVisible();

    // Still answers after all that.
    const again = await page.evaluate(() => document.querySelector<VlmChat>('vlm-chat')!.ask({ text: 'Hello?', maxNewTokens: 8 }));
    expect(again.length).toBeGreaterThan(0);
    events = await widgetEvents(page);
    expect(events.filter((event) => event.type === 'error')).toEqual([]);
  });

  test('WebGPU works inside the frame @webgpu', async ({ page, baseURL, backend }) => {
    test.skip(backend !== 'webgpu', 'runs in the webgpu project (SwiftShader WebGPU)');
    const app = appOriginOf(baseURL);
    host = await startHost(app, { crossOriginIsolated: true });
    await page.goto(`${host.url}/`);
    await recordWidgetEvents(page);
    const widget = await connectedWidget(page, host.url);
    const answer = await page.evaluate(() =>
      document.querySelector<VlmChat>('vlm-chat')!.ask({ images: [document.querySelector('#product-photo')!], text: 'What is this?', maxNewTokens: 8 }),
    );
    expect(answer.length).toBeGreaterThan(0);
    const ready = (await widgetEvents(page)).find((event) => event.type === 'ready');
    expect(ready?.detail).toMatchObject({ model: TEST_MODEL_ID, device: 'webgpu' });
    await expect(widget.getByRole('status')).toHaveAttribute('data-backend', 'webgpu');
  });
});
