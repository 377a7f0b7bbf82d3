/**
 * New versions of the app: a build deployed while an answer is being generated is announced but
 * not swapped in until the user accepts (and never while generating); a new build whose install
 * fails part-way leaves the running version working, offline too.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ask, DIST, loadTestModel, openControlled } from './pwa-helpers.ts';
import { startPwaServer, type PwaServer } from './pwa-server.ts';

/**
 * A copy of the build as the next deploy: index.html gains a marker, and the service worker's
 * precache list carries the new revision (as the build would compute it). `extraEntry` adds a
 * precache entry the server cannot deliver, so that install fails.
 */
function nextBuild(marker: string, extraEntry?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vlm-next-build-'));
  cpSync(DIST, dir, { recursive: true });
  const indexPath = path.join(dir, 'index.html');
  writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('<head>', `<head>\n    <meta name="vlm-build" content="${marker}" />`));
  const swPath = path.join(dir, 'sw.js');
  let sw = readFileSync(swPath, 'utf8');
  const entry = /\{"revision":"([0-9a-f]+)","url":"index.html"\}/;
  expect(sw).toMatch(entry);
  sw = sw.replace(entry, `{"revision":"${marker}","url":"index.html"}${extraEntry ? `,{"revision":null,"url":"${extraEntry}"}` : ''}`);
  writeFileSync(swPath, sw);
  return dir;
}

const buildMarker = (page: Page) => page.evaluate(() => document.querySelector('meta[name="vlm-build"]')?.getAttribute('content') ?? 'v1');

async function waitForUpdateState(page: Page, kind: string): Promise<void> {
  await expect.poll(() => page.evaluate(() => window.vlmPwa.state().kind)).toBe(kind);
}

let server: PwaServer;
const folders: string[] = [];
test.beforeEach(async () => {
  server = await startPwaServer(DIST);
});
test.afterEach(async () => {
  await server.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

test('a version deployed during a generation waits for the user, and only reloads when idle', async ({ page }) => {
  await openControlled(page, server.url);
  expect(await loadTestModel(page)).toMatchObject({ ok: true });
  const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);

  // A long answer runs while the new build is deployed and found.
  await page.evaluate(() => {
    const w = window as unknown as { answer: Promise<unknown>; pageMarker: string };
    w.pageMarker = 'the page was not reloaded';
    w.answer = window.vlm.generate([{ role: 'user', text: 'Tell me a long story.' }], { maxNewTokens: 1500, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' }, () => undefined);
  });
  const v2 = nextBuild('v2');
  folders.push(v2);
  server.setRoot(v2);
  await page.evaluate(() => window.vlmPwa.checkForUpdate());
  await waitForUpdateState(page, 'available');
  expect(await page.evaluate(async () => (await window.vlm.status()).running)).toBe(true);

  // Accepting while the answer is generated does nothing yet.
  expect(await page.evaluate(() => window.vlmPwa.applyUpdate())).toBe('busy');
  const during = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration('/');
    return {
      marker: (window as unknown as { pageMarker?: string }).pageMarker,
      controller: navigator.serviceWorker.controller?.scriptURL,
      waiting: Boolean(registration?.waiting),
    };
  });
  expect(during).toEqual({ marker: 'the page was not reloaded', controller: firstWorker, waiting: true });
  expect(await buildMarker(page)).toBe('v1');

  // The answer finishes untouched.
  const answer = (await page.evaluate(() => (window as unknown as { answer: Promise<{ finishReason: string; tokenIds: number[] }> }).answer)) as { finishReason: string; tokenIds: number[] };
  expect(answer.finishReason).not.toBe('error');
  expect((await page.evaluate(() => (window as unknown as { pageMarker?: string }).pageMarker))).toBe('the page was not reloaded');

  // Now idle: accepting activates the new version and reloads into it.
  const reloaded = page.waitForEvent('load');
  expect(await page.evaluate(() => window.vlmPwa.applyUpdate())).toBe('reloading');
  await reloaded;
  await page.waitForFunction(() => Boolean(window.vlmPwa));
  expect(await buildMarker(page)).toBe('v2');
  expect(await page.evaluate(() => (window as unknown as { pageMarker?: string }).pageMarker)).toBeUndefined();
  // Old precache entries were deleted on activation: only the new index.html revision is kept.
  const indexEntries = await page.evaluate(async () => {
    const keys: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.includes('precache')) continue;
      for (const request of await (await caches.open(name)).keys()) if (new URL(request.url).pathname === '/index.html') keys.push(request.url);
    }
    return keys;
  });
  expect(indexEntries).toHaveLength(1);
  expect(indexEntries[0]).toContain('__WB_REVISION__=v2');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('a new version whose install fails part-way leaves the running version working, offline too', async ({ page, context }) => {
  await openControlled(page, server.url);
  expect(await loadTestModel(page)).toMatchObject({ ok: true });
  const online = await ask(page);

  const broken = nextBuild('broken', 'assets/not-deployed.js');
  folders.push(broken);
  server.setRoot(broken);
  const installOutcome = await page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.getRegistration('/'))!;
    await registration.update().catch(() => undefined);
    const installing = registration.installing;
    if (!installing) return 'no install started';
    return new Promise<string>((resolve) => {
      installing.addEventListener('statechange', () => {
        if (installing.state === 'redundant' || installing.state === 'installed') resolve(installing.state);
      });
    });
  });
  expect(installOutcome).toBe('redundant');
  expect(server.requests.some((request) => request.path === '/assets/not-deployed.js')).toBe(true);
  expect(await page.evaluate(() => window.vlmPwa.state().kind)).toBe('current');

  // The previous version still serves everything, with the server gone.
  await context.setOffline(true);
  await server.close();
  await page.reload();
  expect(await buildMarker(page)).toBe('v1');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await loadTestModel(page)).toMatchObject({ ok: true });
  expect((await ask(page)).text).toBe(online.text);
});
