/**
 * Shared Playwright fixtures. Every test fails if the page tries to reach anything but our own
 * server (a CDN for ONNX Runtime, the Hugging Face Hub): the app must be self-contained.
 */
import { test as base, expect, type Page } from '@playwright/test';

export const TEST_MODEL_ID = 'SmolVLM-test-tiny';
/** Its name in /models/index.json (scripts/test-model), as the page shows it. */
export const TEST_MODEL_NAME = 'SmolVLM random test model (tiny, seed 42)';
/** The generated FastVLM-format model (scripts/test-model, preset fastvlm-tiny). */
export const FASTVLM_TEST_MODEL_ID = 'FastVLM-test-tiny';
/** The generated Florence-2-format model (scripts/test-model, preset florence2-tiny). */
export const FLORENCE2_TEST_MODEL_ID = 'Florence-2-test-tiny';

export type Backend = 'wasm' | 'webgpu';

export const test = base.extend<{ backend: Backend; externalRequests: string[] }>({
  backend: async ({ browserName: _browserName }, use, testInfo) => {
    await use(testInfo.project.name === 'webgpu' ? 'webgpu' : 'wasm');
  },
  externalRequests: [
    async ({ context }, use) => {
      const external: string[] = [];
      await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/]).*/, async (route) => {
        const url = route.request().url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
        external.push(url);
        await route.abort('blockedbyclient');
      });
      await use(external);
      expect(external, 'the app must not fetch anything from outside its own origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Collects console errors and uncaught page errors, for failure messages. */
export function watchConsole(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') messages.push(message.text());
  });
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  return messages;
}
