/**
 * The installed app offline: the first visit online installs the service worker and stores the
 * model; with the network off (and the server gone) a reload opens the app from the service
 * worker, still cross-origin isolated, and answers with the stored model (the model store's
 * contract, driven through the page's bridge: per-file progress, what is stored, its digests).
 * Offline with the model not downloaded, the chat page is read as a person reads it: the offline
 * notice, the load error, Retry, and the built-in model that answers without a connection.
 */
import { BUILT_IN_MODEL } from '../workers/models/registry.ts';
import { ask as askInPage, pickFiles, presetSettings, thumbnails, waitForModelReady } from './chat-helpers.ts';
import { expect, test, TEST_MODEL_ID, TEST_MODEL_NAME } from './fixtures.ts';
import { ask, DIST, escapeRegExp, loadTestModel, openControlled, recordShown, shapesScene, storedModelFiles, testModelFiles } from './pwa-helpers.ts';
import { startPwaServer, type PwaServer } from './pwa-server.ts';

let server: PwaServer;
test.beforeEach(async ({ browserName: _browserName }, testInfo) => {
  // One test serves without the isolation headers, to show the service worker adds them.
  server = await startPwaServer(DIST, testInfo.title.includes('forgot') ? {} : undefined);
});
test.afterEach(async () => {
  await server.close();
});

test('after one visit online, the app opens offline, stays cross-origin isolated and answers @chromium-150', async ({ page, context }) => {
  await openControlled(page, server.url);
  const first = await loadTestModel(page);
  expect(first).toMatchObject({ ok: true });
  // Per-file progress still reaches the page through transformers.js' progress events.
  const decoder = testModelFiles().find((file) => file.path === 'onnx/decoder_model_merged.onnx')!;
  expect(first.files['onnx/decoder_model_merged.onnx']).toEqual({ loaded: decoder.size, total: decoder.size, done: true });
  const online = await ask(page);
  expect(online.text.length).toBeGreaterThan(0);

  // Every file of the model is stored, whole and with the digest the origin's index lists.
  const expected = testModelFiles();
  const stored = (await storedModelFiles(page)).filter((entry) => entry.status === 200);
  for (const entry of stored) {
    const file = expected.find((candidate) => entry.url.endsWith(`/${TEST_MODEL_ID}/${candidate.path}`));
    expect(file, entry.url).toBeDefined();
    expect(entry.bytes).toBe(file!.size);
    expect(entry.sha256).toBe(file!.sha256);
  }

  await context.setOffline(true);
  await server.close();
  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The embeddable frame keeps the headers its server chose (CORP cross-origin so other sites can frame it).
  const embedHeaders = await page.evaluate(async () => {
    const response = await fetch('/embed.html');
    return { ok: response.ok, corp: response.headers.get('cross-origin-resource-policy'), coep: response.headers.get('cross-origin-embedder-policy') };
  });
  expect(embedHeaders).toEqual({ ok: true, corp: 'cross-origin', coep: 'require-corp' });
  const offlineLoad = await loadTestModel(page);
  expect(offlineLoad).toMatchObject({ ok: true });
  const offline = await ask(page);
  expect(offline.text).toBe(online.text);
});

test('offline with the model not downloaded: the page says so, Retry says it again, and the built-in model answers @chromium-150', async ({ page, context }) => {
  await presetSettings(page, { maxNewTokens: 8 });
  // The first visit, online, installs the app; its model comes from the Hub and waits for consent, so nothing is downloaded.
  await openControlled(page, `${server.url}/?model=SmolVLM-256M-Instruct`);
  await expect(page.getByRole('region', { name: 'Model not loaded' })).toBeVisible();
  await context.setOffline(true);
  await server.close();

  // Offline, the app opens on the test model (served by this site, never downloaded): it loads at once and fails.
  await page.goto(`${server.url}/?model=${TEST_MODEL_ID}`);
  const failed = page.getByRole('region', { name: 'Model loading failed' });
  await expect(failed).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const offlineMessage = new RegExp(`^${escapeRegExp(TEST_MODEL_NAME)} could not load\\. You are offline and [\\w./]+ of ${escapeRegExp(TEST_MODEL_NAME)} is not downloaded yet\\. Connect to the internet to download it\\.$`);
  await expect(failed.locator('.load-status-error')).toHaveText(offlineMessage);
  const offlineNotice = page.getByRole('status').filter({ hasText: 'You are offline.' });
  await expect(offlineNotice).toHaveText(new RegExp(`^You are offline\\. Connect to download ${escapeRegExp(TEST_MODEL_NAME)} \\([\\d.]+ [kM]B\\)\\.$`));

  // Retry tries again (a new load, seen on the page) and fails the same way, at once: no retries of a server nobody reaches.
  const loadStatusSeen = await recordShown(page, 'section.load-status', 'aria-label');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect.poll(async () => (await loadStatusSeen()).map((shown) => shown.value)).toEqual(['Model loading failed', 'Model loading', 'Model loading failed']);
  const [, retrying, failedAgain] = await loadStatusSeen();
  expect(failedAgain!.at - retrying!.at).toBeLessThan(5_000);
  await expect(failed.locator('.load-status-error')).toHaveText(offlineMessage);

  // The built-in model is part of the app: offered here, it loads offline (never called a download) and answers about an image.
  const noticeSeen = await recordShown(page, '.pwa-offline-notice');
  await failed.getByRole('button', { name: `Use the built-in ${BUILT_IN_MODEL.name}` }).click();
  await waitForModelReady(page);
  await expect(page.getByRole('button', { name: `Model: ${BUILT_IN_MODEL.name}` })).toBeVisible();
  expect((await noticeSeen()).filter((shown) => shown.value.includes(BUILT_IN_MODEL.name))).toEqual([]);
  await expect(offlineNotice).toHaveCount(0);
  await pickFiles(page, [shapesScene]);
  await expect(thumbnails(page)).toHaveCount(1);
  expect(await askInPage(page, 'What colour is the circle?')).toMatch(/^red\.?$/i);
});

test('the service worker adds the isolation headers when a host forgot them', async ({ page }) => {
  await page.goto(server.url);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await openControlled(page, server.url);
  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(async () => (await window.vlm.capabilities()).wasmThreads)).toBeGreaterThan(1);
});
