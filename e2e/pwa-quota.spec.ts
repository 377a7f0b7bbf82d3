/**
 * A full quota, read on the chat page: choosing a model whose files do not fit shows the
 * StorageQuotaError in the load status, with the sizes and what to do; nothing partial is stored;
 * the page stays usable (the built-in model offered there loads and answers), the chat made
 * meanwhile is kept, and with room again Retry loads the model. The quota is the browser's own,
 * lowered through the DevTools protocol.
 */
import type { Page } from '@playwright/test';
import { BUILT_IN_MODEL } from '../workers/models/registry.ts';
import { answers, ask, pickFiles, presetSettings, questions, thumbnails, waitForModelReady } from './chat-helpers.ts';
import { expect, test, TEST_MODEL_NAME } from './fixtures.ts';
import { DIST, escapeRegExp, openControlled, shapesScene, storedModelFiles } from './pwa-helpers.ts';
import { startPwaServer } from './pwa-server.ts';

async function chooseModel(page: Page, current: string, name: string): Promise<void> {
  await page.getByRole('button', { name: `Model: ${current}` }).click();
  await page.getByRole('group', { name: 'Choose a model' }).getByRole('radio', { name: new RegExp(`^${escapeRegExp(name)}`) }).click();
}

test('quota exceeded: the load status names the file and the sizes and says what to do; the built-in model still answers; chats are kept', async ({ page, context }) => {
  const server = await startPwaServer(DIST);
  try {
    await presetSettings(page, { maxNewTokens: 8 });
    // The app installed, no model loaded (a Hub model waits for consent).
    await openControlled(page, `${server.url}/?model=SmolVLM-256M-Instruct`);
    await expect(page.getByRole('region', { name: 'Model not loaded' })).toBeVisible();
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const cdp = await context.newCDPSession(page);
    // Room for the small files, not for the ONNX sessions (0.16 to 0.47 MB each).
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: usage + 150_000 });

    // The test model is served by this site: chosen, it loads at once, and cannot be stored.
    await chooseModel(page, 'SmolVLM 256M', TEST_MODEL_NAME);
    const failed = page.getByRole('region', { name: 'Model loading failed' });
    await expect(failed).toBeVisible();
    // Chromium enforces the lowered quota but its estimate() still reports the default one, so
    // the message says what the browser reports and that it refused.
    const quotaMessage = new RegExp(
      `^${escapeRegExp(TEST_MODEL_NAME)} could not load\\. Not enough storage to save ${escapeRegExp(TEST_MODEL_NAME)}: for onnx/\\w+\\.onnx, [\\d.]+ kB is needed ` +
        '(and this browser grants [\\d.]+ \\w+ more to this site|but the browser refused to store it, although it reports [\\d.]+ \\w+ used of [\\d.]+ \\w+ for this site; the disk may be full)\\. ' +
        'Delete other models under "Models & storage" or free disk space, then load the model again\\. Your chats are kept\\.$',
    );
    await expect(failed.locator('.load-status-error')).toHaveText(quotaMessage);
    const stored = await storedModelFiles(page);
    expect(stored.some((entry) => entry.url.endsWith('.onnx') && entry.bytes > 150_000)).toBe(false);

    // The page stays usable: the built-in model, offered beside the error, loads and answers about an image.
    await failed.getByRole('button', { name: `Use the built-in ${BUILT_IN_MODEL.name}` }).click();
    await waitForModelReady(page);
    await pickFiles(page, [shapesScene]);
    await expect(thumbnails(page)).toHaveCount(1);
    expect(await ask(page, 'What colour is the circle?')).toMatch(/^red\.?$/i);

    // The same failure again, with that chat open: the chat stays.
    await chooseModel(page, BUILT_IN_MODEL.name, TEST_MODEL_NAME);
    await expect(failed.locator('.load-status-error')).toHaveText(quotaMessage);
    await expect(answers(page)).toHaveCount(1);

    // With room again, Retry loads the model; after a reload the chat is still there.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
    await failed.getByRole('button', { name: 'Retry' }).click();
    await waitForModelReady(page);
    await expect(page.getByRole('button', { name: `Model: ${TEST_MODEL_NAME}` })).toBeVisible();
    await page.reload();
    await expect(questions(page)).toHaveCount(1);
    await expect(questions(page)).toContainText('What colour is the circle?');
    await expect(answers(page).locator('.answer-body')).toHaveText(/^\s*red\.?\s*$/i);
  } finally {
    await server.close();
  }
});
