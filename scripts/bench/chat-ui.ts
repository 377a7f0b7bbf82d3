/**
 * Path (a) as a person meets it: the real chat page (src/app), driven like the chat e2e tests —
 * settings in localStorage, the benchmark image picked with "Add image", the question typed and
 * sent with Enter, the answer read from the screen. It measures what only the real UI can show:
 * time from Enter to the first words on screen, how often the answer's DOM changes, and the main
 * thread's long tasks while the answer streams (markdown rendering, React), next to the engine's
 * own figures from the answer's statistics.
 */
import type { Page } from 'playwright-core';
import { benchImageRgb } from '../../src/bench/core/test-image.ts';
import type { BenchSettings, ChatUiResult, ChatUiRun } from '../../src/bench/core/types.ts';
import { launch } from './browser.ts';

export interface ChatUiOptions {
  baseUrl: string;
  modelId: string;
  settings: BenchSettings;
  log: (message: string) => void;
}

/** The benchmark image encoded to PNG by the browser, as the suite encodes it (same pixels; `variant`: see benchImageRgb). */
async function benchPng(page: Page, size: number, variant: number): Promise<Buffer> {
  const rgb = Buffer.from(benchImageRgb(size, variant)).toString('base64');
  const png = await page.evaluate(
    async ({ rgb, size }) => {
      const bytes = Uint8Array.from(atob(rgb), (char) => char.charCodeAt(0));
      const rgba = new Uint8ClampedArray(size * size * 4);
      for (let i = 0, j = 0; i < bytes.length; i += 3, j += 4) {
        rgba[j] = bytes[i]!;
        rgba[j + 1] = bytes[i + 1]!;
        rgba[j + 2] = bytes[i + 2]!;
        rgba[j + 3] = 255;
      }
      const canvas = new OffscreenCanvas(size, size);
      canvas.getContext('2d')!.putImageData(new ImageData(rgba, size, size), 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      let binary = '';
      for (const byte of new Uint8Array(await blob.arrayBuffer())) binary += String.fromCharCode(byte);
      return btoa(binary);
    },
    { rgb, size },
  );
  return Buffer.from(png, 'base64');
}

const SETTINGS_KEY = 'vlm-chat.settings.v1';

function numberIn(text: string): number {
  const match = /([\d.,]+)\s*(ms|s|min)?/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]!.replace(/,/g, ''));
  return match[2] === 's' ? value * 1000 : match[2] === 'min' ? value * 60_000 : value;
}

export async function runChatUi(options: ChatUiOptions): Promise<ChatUiResult> {
  const { settings, log } = options;
  const browser = await launch(false);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(
      ({ key, value }) => {
        if (!sessionStorage.getItem('bench-settings-applied')) {
          sessionStorage.setItem('bench-settings-applied', '1');
          localStorage.setItem(key, JSON.stringify(value));
        }
      },
      { key: SETTINGS_KEY, value: { maxNewTokens: settings.maxNewTokens, detail: 'low', sampling: 'greedy', backend: 'wasm', modelId: options.modelId } },
    );
    const page = await context.newPage();
    page.on('pageerror', (error) => log(`chat page error: ${error.message}`));
    log('(a) chat UI: opening the chat page and loading the model');
    await page.goto(`${options.baseUrl}/?model=${options.modelId}`);
    await page.locator('.app[data-runtime="ready"]').waitFor({ timeout: 600_000 });

    const runs: ChatUiRun[] = [];
    for (let run = 0; run <= settings.runs; run++) {
      // A picture the page has not sent before: the worker keeps image features by content.
      const png = await benchPng(page, settings.imageSize, run + 1);
      if (run > 0) await page.getByRole('button', { name: 'New chat' }).click();
      log(`(a) chat UI: ${run === 0 ? 'warm-up' : `run ${run}/${settings.runs}`}, ${settings.maxNewTokens} tokens`);
      await page.evaluate(() => {
        const state = { sent: 0, samples: [] as { at: number; length: number }[], tasks: [] as { start: number; duration: number }[] };
        (window as unknown as { benchUi: typeof state }).benchUi = state;
        document.addEventListener(
          'keydown',
          (event) => {
            if (event.key === 'Enter' && !state.sent) state.sent = performance.now();
          },
          { capture: true },
        );
        new MutationObserver(() => {
          const answer = [...document.querySelectorAll('article[aria-label="Assistant"] .markdown')].at(-1);
          const length = answer?.textContent?.length ?? 0;
          if (length && state.samples.at(-1)?.length !== length) state.samples.push({ at: performance.now(), length });
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) state.tasks.push({ start: entry.startTime, duration: entry.duration });
        }).observe({ type: 'longtask' });
      });
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Add image' }).click();
      await (await chooser).setFiles({ name: 'bench.png', mimeType: 'image/png', buffer: png });
      await page.getByRole('list', { name: 'Images to send' }).getByRole('listitem').first().waitFor();
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill(settings.prompt);
      const answersBefore = await page.getByRole('article', { name: 'Assistant' }).count();
      await box.press('Enter');
      await page.waitForFunction(
        (count) => {
          const answers = document.querySelectorAll('article[aria-label="Assistant"]');
          return answers.length > count && answers[answers.length - 1]!.getAttribute('aria-busy') === 'false';
        },
        answersBefore,
        { timeout: 900_000 },
      );
      const answer = page.getByRole('article', { name: 'Assistant' }).last();
      const stat = async (label: string) => numberIn(await answer.locator('.answer-stats > div').filter({ has: page.getByRole('term').getByText(label, { exact: true }) }).getByRole('definition').innerText());
      const engine = { ttft: await stat('First token'), speed: await stat('Speed'), tokens: await stat('Answer') };
      const ui = await page.evaluate(() => (window as unknown as { benchUi: { sent: number; samples: { at: number; length: number }[]; tasks: { start: number; duration: number }[] } }).benchUi);
      if (run === 0) continue;
      const first = ui.samples[0]?.at ?? Number.NaN;
      const last = ui.samples.at(-1)?.at ?? Number.NaN;
      const during = ui.tasks.filter((task) => task.start + task.duration >= first && task.start <= last);
      runs.push({
        timeToFirstTextMs: first - ui.sent,
        streamingMs: last - first,
        domUpdates: ui.samples.length,
        longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
        tasksOver50Ms: during.filter((task) => task.duration > 50).length,
        engineTimeToFirstTokenMs: engine.ttft,
        engineTokensPerSecond: engine.speed,
        newTokens: engine.tokens,
      });
    }
    return { backend: 'wasm', runs };
  } finally {
    await browser.close();
  }
}
