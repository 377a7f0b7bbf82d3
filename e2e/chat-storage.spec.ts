/**
 * The "Models & storage" panel in Settings: the downloaded model appears with its size, and
 * deleting it empties the store while the chat page keeps working.
 */
import { expect, test } from './fixtures.ts';
import { openChat } from './chat-helpers.ts';

test('Settings shows the downloaded model with its size, and deletes it', async ({ page }) => {
  await openChat(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Models & storage' });
  await expect(panel).toBeVisible();
  const deleteButton = panel.getByRole('button', { name: /^Delete SmolVLM/ });
  await expect(deleteButton).toBeVisible();
  await expect(panel.getByRole('listitem').first()).toContainText(/\d(\.\d+)? (MB|kB)/);
  await expect(panel).toContainText(/This site uses .* of the .* the browser grants it\./);
  await deleteButton.click();
  await expect(panel).toContainText('No model is downloaded yet.');
  const stored = await page.evaluate(async () => {
    let count = 0;
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) if (request.url.includes('/models/SmolVLM-test-tiny/onnx/')) count++;
    }
    return count;
  });
  expect(stored).toBe(0);
});
