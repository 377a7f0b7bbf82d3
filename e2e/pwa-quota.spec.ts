/**
 * A full quota: loading fails with a StorageQuotaError that carries the numbers and names the
 * file, nothing partial is stored, and the chat history (IndexedDB) is untouched. The quota is
 * the browser's own, lowered through the DevTools protocol.
 */
import { expect, test } from './fixtures.ts';
import { DIST, loadTestModel, openControlled, storedModelFiles } from './pwa-helpers.ts';
import { startPwaServer } from './pwa-server.ts';

test('quota exceeded: a named error with the numbers, nothing partial stored, chats kept', async ({ page, context }) => {
  const server = await startPwaServer(DIST);
  try {
    await openControlled(page, server.url);
    // Stand-in for the chat page's history database.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('quota-test-chats', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('chats', { keyPath: 'id' });
          open.onsuccess = () => {
            const tx = open.result.transaction('chats', 'readwrite');
            tx.objectStore('chats').put({ id: 'chat-1', text: 'What is in this picture?' });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const cdp = await context.newCDPSession(page);
    // Room for the small files, not for the ONNX sessions (0.16 to 0.47 MB each).
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: usage + 150_000 });

    const failed = await loadTestModel(page);
    expect(failed).toMatchObject({ ok: false, name: 'StorageQuotaError' });
    if (!failed.ok) {
      // Chromium enforces the lowered quota but its estimate() still reports the default one, so
      // the message says what the browser reports and that it refused.
      expect(failed.message).toMatch(
        /^Not enough storage to save SmolVLM random test model \(tiny, seed 42\): for onnx\/\w+\.onnx, [\d.]+ kB is needed (and this browser grants [\d.]+ \w+ more to this site|but the browser refused to store it, although it reports [\d.]+ \w+ used of [\d.]+ \w+ for this site)/,
      );
      expect(failed.message).toContain('Delete other models under "Models & storage"');
      // The numbers also arrive as typed fields, through the worker boundary.
      expect(failed.facts).toMatchObject({ modelId: 'SmolVLM-test-tiny', file: expect.stringMatching(/^onnx\/\w+\.onnx$/), bytesNeeded: expect.any(Number) });
      expect(failed.facts!.bytesNeeded as number).toBeGreaterThan(150_000);
    }
    const stored = await storedModelFiles(page);
    expect(stored.some((entry) => entry.url.endsWith('.onnx') && entry.bytes > 150_000)).toBe(false);
    const chats = await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const open = indexedDB.open('quota-test-chats', 1);
          open.onsuccess = () => {
            const get = open.result.transaction('chats').objectStore('chats').get('chat-1');
            get.onsuccess = () => resolve(get.result);
          };
        }),
    );
    expect(chats).toEqual({ id: 'chat-1', text: 'What is in this picture?' });

    // With room again, the same page loads the model.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
    expect(await loadTestModel(page)).toMatchObject({ ok: true });
  } finally {
    await server.close();
  }
});
