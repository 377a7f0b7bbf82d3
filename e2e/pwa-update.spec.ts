/**
 * New versions of the app, as a person meets them on the chat page: when a new build waits, the
 * page says so and "Reload" loads it; asked during an answer, the reload waits for the answer to
 * finish (never cutting it) and the chat with its answer is there in the new version; a new build
 * whose install fails part-way is never announced and leaves the running version working, offline
 * too. The browser's own update check (it runs on navigations and at least daily) is triggered
 * through the service worker registration.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { answers, ask, messageBox, newChat, presetSettings, questions, waitForModelReady } from './chat-helpers.ts';
import { expect, test, TEST_MODEL_ID } from './fixtures.ts';
import { DIST, openControlled } from './pwa-helpers.ts';
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

/** The browser's update check; resolves with what became of the new version's install. */
function checkForUpdate(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.getRegistration('/'))!;
    await registration.update().catch(() => undefined);
    const installing = registration.installing;
    if (!installing) return registration.waiting ? 'installed' : 'no install started';
    return new Promise<string>((resolve) => {
      installing.addEventListener('statechange', () => {
        if (installing.state === 'redundant' || installing.state === 'installed') resolve(installing.state);
      });
    });
  });
}

const updatePrompt = (page: Page) => page.getByRole('status').filter({ hasText: 'Update available' });

/** Old precache entries are deleted on activation: the precached index.html's revisions. */
const precachedIndexRevisions = (page: Page) =>
  page.evaluate(async () => {
    const keys: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.includes('precache')) continue;
      for (const request of await (await caches.open(name)).keys()) if (new URL(request.url).pathname === '/index.html') keys.push(new URL(request.url).searchParams.get('__WB_REVISION__') ?? '');
    }
    return keys;
  });

let server: PwaServer;
const folders: string[] = [];
test.beforeEach(async () => {
  server = await startPwaServer(DIST);
});
test.afterEach(async () => {
  await server.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function deploy(marker: string, extraEntry?: string): void {
  const folder = nextBuild(marker, extraEntry);
  folders.push(folder);
  server.setRoot(folder);
}

test('a new version waits for the person: the page says so, and Reload loads it', async ({ page }) => {
  await presetSettings(page);
  // No model needed here: the Hub model waits for consent.
  await openControlled(page, `${server.url}/?model=SmolVLM-256M-Instruct`);
  await expect(page.getByRole('region', { name: 'Model not loaded' })).toBeVisible();
  expect(await checkForUpdate(page)).toBe('no install started');
  await expect(updatePrompt(page)).toHaveCount(0);

  deploy('v2');
  expect(await checkForUpdate(page)).toBe('installed');
  await expect(updatePrompt(page)).toContainText('Update available.');
  // Announced, not applied: this page still runs the version it opened with.
  expect(await buildMarker(page)).toBe('v1');

  const reloaded = page.waitForEvent('load');
  await updatePrompt(page).getByRole('button', { name: 'Reload', exact: true }).click();
  await reloaded;
  expect(await buildMarker(page)).toBe('v2');
  await expect(page.getByRole('region', { name: 'Model not loaded' })).toBeVisible();
  await expect(updatePrompt(page)).toHaveCount(0);
  expect(await precachedIndexRevisions(page)).toEqual(['v2']);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('"Reload when the answer is finished", clicked during an answer: the answer finishes, then the new version opens with the chat', async ({ page }) => {
  await presetSettings(page, { maxNewTokens: 1024 });
  await openControlled(page, `${server.url}/?model=${TEST_MODEL_ID}`);
  await waitForModelReady(page);
  // What the page showed when the answer finished, and when it unloaded; sessionStorage outlives the reload.
  await page.evaluate(() => {
    new MutationObserver(() => {
      const answer = document.querySelector('article[aria-label="Assistant"]');
      if (answer?.getAttribute('aria-busy') === 'false' && !sessionStorage.getItem('e2e-finished')) {
        sessionStorage.setItem('e2e-finished', JSON.stringify({ at: Date.now(), text: answer.querySelector('.answer-body')!.textContent }));
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-busy'] });
    addEventListener('pagehide', () => sessionStorage.setItem('e2e-unloaded', String(Date.now())));
  });

  // Deployed now, found by the browser once the answer streams.
  deploy('v2');
  await messageBox(page).fill('Tell me a long story.');
  await messageBox(page).press('Enter');
  const answer = answers(page).first();
  await expect.poll(async () => (await answer.locator('.answer-body').textContent())?.length ?? 0).toBeGreaterThan(0);
  expect(await checkForUpdate(page)).toBe('installed');
  const prompt = updatePrompt(page);
  await prompt.getByRole('button', { name: 'Reload when the answer is finished' }).click();
  await expect(prompt).toContainText('The page reloads when the answer is finished.');
  // Clicked during the answer, which goes on.
  await expect(answer).toHaveAttribute('aria-busy', 'true');
  expect(await buildMarker(page)).toBe('v1');

  // The answer finishes, then the page reloads into the new version.
  await page.waitForFunction(() => document.querySelector('meta[name="vlm-build"]')?.getAttribute('content') === 'v2', undefined, { timeout: 180_000 });
  const { finished, unloaded } = await page.evaluate(() => ({
    finished: JSON.parse(sessionStorage.getItem('e2e-finished') ?? 'null') as { at: number; text: string } | null,
    unloaded: Number(sessionStorage.getItem('e2e-unloaded')),
  }));
  expect(finished).not.toBeNull();
  expect(finished!.at).toBeLessThanOrEqual(unloaded);
  // The chat is back with the whole answer, not stopped.
  await expect(questions(page)).toHaveText(['Tell me a long story.']);
  await expect(answers(page)).toHaveCount(1);
  expect(await answers(page).first().locator('.answer-body').textContent()).toBe(finished!.text);
  expect(finished!.text.length).toBeGreaterThan(100);
  await expect(answers(page).first().getByText('Stopped', { exact: true })).toHaveCount(0);
  await expect(updatePrompt(page)).toHaveCount(0);
});

test('a new version whose install fails part-way is not announced, and the running version keeps working, offline too @chromium-150', async ({ page, context }) => {
  await presetSettings(page, { maxNewTokens: 12 });
  await openControlled(page, `${server.url}/?model=${TEST_MODEL_ID}`);
  await waitForModelReady(page);
  const online = await ask(page, 'Describe a sunny day.');

  deploy('broken', 'assets/not-deployed.js');
  expect(await checkForUpdate(page)).toBe('redundant');
  expect(server.requests.some((request) => request.path === '/assets/not-deployed.js')).toBe(true);
  await expect(updatePrompt(page)).toHaveCount(0);

  // The previous version still serves everything, with the server gone.
  await context.setOffline(true);
  await server.close();
  await page.reload();
  expect(await buildMarker(page)).toBe('v1');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(answers(page)).toHaveCount(1);
  await newChat(page);
  expect(await ask(page, 'Describe a sunny day.')).toBe(online);
});
