/**
 * When the browser's storage fails, through the chat page with the real worker and test model:
 * IndexedDB refused, out of quota, blocked by another tab's older connection, or upgraded by
 * another tab's newer version. The chat stays on screen, one standing notice says what is not
 * saved and why, and once the cause is gone the chat is saved (a reload shows it). In a private
 * window (no Cache Storage) the load status says why the model is not kept, and it still answers.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ask, messageBox, openChat, questions } from './chat-helpers.ts';

const notices = (page: Page) => page.locator('.notices .notice');
const notSaved = (page: Page) => notices(page).filter({ hasText: 'This chat is not being saved on this device' });

/** The chat is still on screen after a reload, read back from IndexedDB. */
async function expectSavedAfterReload(page: Page, question: string): Promise<void> {
  await page.reload();
  await expect(questions(page).filter({ hasText: question })).toHaveCount(1);
  await expect(notSaved(page)).toHaveCount(0);
}

test('IndexedDB refused: the chat stays, the notice says chats are not kept, and saving resumes once storage is allowed', async ({ page }) => {
  // What a private window or a site setting does: the browser refuses to open the database.
  // The refusal lasts until the test lifts it (in sessionStorage, so it holds across the reload).
  await page.addInitScript(() => {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (this: IDBFactory, name: string, version?: number) {
      if (sessionStorage.getItem('e2e-idb-allowed') !== '1') throw new DOMException('The operation failed because the requested database object could not be found.', 'InvalidStateError');
      return open.call(this, name, version);
    };
  });
  await openChat(page);
  await ask(page, 'What is in the picture?');
  await ask(page, 'And the colours?');
  await expect(questions(page)).toHaveCount(2);
  // One notice for all the failed saves, not one per save.
  await expect(notSaved(page)).toHaveCount(1);
  await expect(notSaved(page)).toHaveText(
    'This chat is not being saved on this device: the browser refuses storage here (a private window or a site setting), so chats will not be kept after this tab closes.',
  );
  await expect(notSaved(page).getByRole('button', { name: 'Dismiss notice' })).toHaveCount(0);

  // Storage allowed again: the next try (no change needed) saves the chat and the notice goes.
  await page.evaluate(() => sessionStorage.setItem('e2e-idb-allowed', '1'));
  await expect(notSaved(page)).toHaveCount(0, { timeout: 15_000 });
  await expectSavedAfterReload(page, 'And the colours?');
});

test('storage full: the notice says so and what to do, and the chat is saved once there is room', async ({ page, context }) => {
  await openChat(page);
  const origin = new URL(page.url()).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await context.newCDPSession(page);
  // The browser's own quota, lowered to what the site already uses: the next write does not fit.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage });
  await ask(page, 'Describe the chart');
  await expect(questions(page)).toHaveCount(1);
  await expect(notSaved(page)).toHaveText(
    "This chat is not being saved on this device: the browser's storage for this site is full. Delete downloaded models or old chats in Settings to make room; saving resumes by itself.",
  );

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await expect(notSaved(page)).toHaveCount(0, { timeout: 15_000 });
  await expectSavedAfterReload(page, 'Describe the chart');
});

test('another tab holds an older version open: the notice asks to close it, and saving resumes when it is closed', async ({ page, context, baseURL }) => {
  // An older version of the app in another tab: the database at version 1, held open, and it does
  // not give way when asked (an old version may not listen for versionchange).
  const olderTab = await context.newPage();
  await olderTab.goto(`${baseURL}/models/index.json`);
  await olderTab.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('vlm-chat', 1);
        open.onsuccess = () => {
          (window as unknown as { held: IDBDatabase }).held = open.result;
          resolve();
        };
        open.onerror = () => reject(open.error);
      }),
  );

  await openChat(page);
  await ask(page, 'What is in the picture?');
  await expect(questions(page)).toHaveCount(1);
  await expect(notSaved(page)).toHaveText(
    'This chat is not being saved on this device: another tab of this app is open with an older version. Close it to save chats; saving resumes by itself.',
  );

  await olderTab.close();
  await expect(notSaved(page)).toHaveCount(0, { timeout: 15_000 });
  await expectSavedAfterReload(page, 'What is in the picture?');
});

test('a newer version upgrades the database from another tab: this tab lets it, and says to reload', async ({ page, context, baseURL }) => {
  await openChat(page);
  await ask(page, 'What is in the picture?');
  await expect(notSaved(page)).toHaveCount(0);

  // The newer tab's upgrade goes through at once: this tab closed its connection when asked.
  const newerTab = await context.newPage();
  await newerTab.goto(`${baseURL}/models/index.json`);
  const upgraded = await newerTab.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const open = indexedDB.open('vlm-chat', 3);
        open.onblocked = () => resolve('blocked');
        open.onsuccess = () => {
          open.result.close();
          resolve(`version ${open.result.version}`);
        };
        open.onerror = () => resolve(`error ${open.error?.name}`);
      }),
  );
  expect(upgraded).toBe('version 3');

  await messageBox(page).fill('And the colours?');
  await messageBox(page).press('Enter');
  await expect(questions(page)).toHaveCount(2);
  await expect(notSaved(page)).toHaveText(
    'This chat is not being saved on this device: a newer version of this app, open in another tab, has updated the saved chats. Reload this tab to save chats again.',
  );
});

test('private window (Cache Storage refused): the load status says why the model is not kept, and it still answers', async ({ page }) => {
  await page.addInitScript(() => {
    CacheStorage.prototype.open = () => Promise.reject(new DOMException('An attempt was made to break through the security policy of the user agent.', 'SecurityError'));
  });
  await openChat(page);
  const status = page.getByRole('region', { name: 'Model storage' });
  await expect(status).toContainText('Models are kept in memory only here.');
  await expect(status).toContainText('The browser refuses storage here (An attempt was made to break through the security policy of the user agent.), as private windows and embedded frames often do, so models are downloaded on every visit.');
  expect(await ask(page, 'What is in the picture?')).not.toBe('');
});
