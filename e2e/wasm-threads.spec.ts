/**
 * The WASM thread count is chosen by measurement, once per device: the page probes the int8
 * multiply-add rate on 1..N workers, keeps the fewest threads within 90% of the best, loads the
 * model with them and says why in Settings. This machine has two cores, where nothing is probed
 * (both threads were measured faster), so the page is told it has four.
 */
import { chooseThreads, WASM_THREADS_STORAGE_KEY, type WasmThreadChoice } from '../src/device/wasm-threads.ts';
import { openChat } from './chat-helpers.ts';
import { expect, test } from './fixtures.ts';

test('the WASM thread count is measured once per device, kept, and the model runs with it', async ({ page, backend }) => {
  test.skip(backend !== 'wasm', 'WASM threads');
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
  await openChat(page);
  const stored = async () => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as WasmThreadChoice | null, WASM_THREADS_STORAGE_KEY);
  const choice = (await stored())!;
  expect(choice).toMatchObject({ basis: 'measured', cores: 4 });
  expect(choice.rates.map((entry) => entry.threads)).toEqual([1, 2, 3, 4]);
  expect(choice.rates.every((entry) => entry.rate > 0)).toBe(true);
  expect(choice.threads).toBe(chooseThreads(choice.rates));
  const threads = `${choice.threads} ${choice.threads === 1 ? 'thread' : 'threads'}`;
  await expect(page.getByLabel(/^Backend: /)).toContainText(`CPU · WASM · ${threads}`);

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' }).getByText(`${threads}: the fewest threads within 90% of the fastest, measured on this device`)).toBeVisible();
  await page.keyboard.press('Escape');

  // Kept: the next visit loads at once with the same count, measured no more.
  await page.reload();
  await expect(page.locator('.app')).toHaveAttribute('data-runtime', 'ready', { timeout: 120_000 });
  expect((await stored())!.measuredAt).toBe(choice.measuredAt);
  await expect(page.getByLabel(/^Backend: /)).toContainText(`CPU · WASM · ${threads}`);
});
