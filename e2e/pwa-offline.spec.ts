/**
 * The installed app offline: the first visit online installs the service worker and stores the
 * model; with the network off (and the server gone) a reload opens the app from the service
 * worker, still cross-origin isolated, and answers with the stored model.
 */
import { expect, test, TEST_MODEL_ID } from './fixtures.ts';
import { ask, DIST, loadTestModel, openControlled, storedModelFiles, testModelFiles } from './pwa-helpers.ts';
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

test('offline with no model downloaded: the app opens and the load fails at once, saying so @chromium-150', async ({ page, context }) => {
  await openControlled(page, server.url);
  await context.setOffline(true);
  await server.close();
  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The model list comes from the service worker's copy of /models/index.json.
  expect((await page.evaluate(() => window.vlm.listModels())).map((model) => model.id)).toContain(TEST_MODEL_ID);
  const started = Date.now();
  const failed = await loadTestModel(page);
  expect(failed).toMatchObject({ ok: false, name: 'ModelDownloadError' });
  if (!failed.ok) expect(failed.message).toMatch(/^You are offline and [\w./]+ of SmolVLM random test model \(tiny, seed 42\) is not downloaded yet\. Connect to the internet to download it\.$/);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('the service worker adds the isolation headers when a host forgot them', async ({ page }) => {
  await page.goto(server.url);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await openControlled(page, server.url);
  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(async () => (await window.vlm.capabilities()).wasmThreads)).toBeGreaterThan(1);
});
