/**
 * Model choice, loading and settings: a link can preselect a model (an unknown one gets a clear
 * message and the default, with nothing fetched from the Hub); loading shows its progress; the
 * picker shows sizes and what is served here; settings persist and apply; a GPU failure offers
 * "Run on CPU".
 */
import { expect, test } from './fixtures.ts';
import { answers, messageBox, openChat, SETTINGS_KEY, statOf, waitForAnswer, waitForModelReady } from './chat-helpers.ts';

test.describe('models and settings', () => {
  test('an unknown ?model= gets a clear message and the default model, downloading nothing', async ({ page }) => {
    await page.goto('/?model=NoSuchModel');
    await expect(page.getByRole('status').filter({ hasText: 'NoSuchModel' })).toContainText(
      'The link asks for a model called “NoSuchModel”, which this app does not know. Using SmolVLM 256M instead.',
    );
    await expect(page.getByRole('button', { name: 'Model: SmolVLM 256M' })).toBeVisible();
    // A Hub model shows its size and waits for consent before downloading.
    const card = page.getByRole('region', { name: 'Model not loaded' });
    await expect(card).toContainText(/SmolVLM 256M downloads [\d.]+ MB for (CPU|WebGPU) once from Hugging Face/);
    await expect(card.getByRole('button', { name: 'Download and load' })).toBeVisible();
    await page.waitForTimeout(1500);
    await expect(page.locator('.app')).toHaveAttribute('data-runtime', 'idle');
  });

  test('a served model loads with visible progress; the picker shows sizes and where each model comes from', async ({ page }) => {
    await openChat(page, {}, { waitForModel: false });
    const loading = page.getByRole('region', { name: 'Model loading' });
    await expect(loading).toContainText('Loading SmolVLM random test model');
    await waitForModelReady(page);
    await expect(loading).toBeHidden();

    const badge = page.getByLabel(/^Backend: /);
    await badge.click();
    await expect(page.locator('.badge-popover')).toContainText('decoder fp32, vision fp32, embeddings fp32');

    await page.getByRole('button', { name: /^Model: SmolVLM random test model/ }).click();
    const menu = page.getByRole('group', { name: 'Choose a model' });
    const testModel = menu.getByRole('radio', { name: /SmolVLM random test model/ });
    await expect(testModel).toBeChecked();
    await expect(menu.locator('label').filter({ hasText: 'SmolVLM random test model' })).toContainText(/[\d.]+ (kB|MB) for (CPU|WebGPU) · On this site · cached/);
    await expect(menu.locator('label').filter({ hasText: 'SmolVLM 256M' })).toContainText(/[\d.]+ MB for (CPU|WebGPU) · Downloads from Hugging Face/);
    await expect(menu.locator('label').filter({ hasText: 'SmolVLM 2.2B' })).toContainText('≈ ');
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
  });

  test('settings persist across reloads and apply to the next answer', async ({ page }) => {
    await openChat(page, { maxNewTokens: 64, detail: 'auto' });
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('slider', { name: 'Answer length' }).fill('16');
    await expect(dialog.getByText('16 tokens')).toBeVisible();
    // Each image detail shows what it costs for a full-HD screenshot on this backend.
    await expect(dialog.locator('label', { hasText: /^Low/ })).toContainText('64 tokens · 1 frame');
    await expect(dialog.locator('label', { hasText: /^High/ })).toContainText('832 tokens · 13 frames');
    await dialog.getByRole('radio', { name: /^High/ }).check();
    await dialog.getByRole('radio', { name: /^Creative/ }).check();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();

    await page.reload();
    await waitForModelReady(page);
    const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), SETTINGS_KEY);
    expect(saved).toMatchObject({ maxNewTokens: 16, detail: 'high', sampling: 'creative' });
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(dialog.getByRole('slider', { name: 'Answer length' })).toHaveValue('16');
    await expect(dialog.getByRole('radio', { name: /^High/ })).toBeChecked();
    await dialog.getByRole('radio', { name: /^Precise/ }).check();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await messageBox(page).fill('How long is this answer?');
    await messageBox(page).press('Enter');
    const answer = await waitForAnswer(page);
    expect(await statOf(answer, 'Answer')).toBe(16);
  });

  test('a GPU failure mid-answer offers Retry and Run on CPU, which answers on the CPU @webgpu', async ({ page, backend }) => {
    test.skip(backend !== 'webgpu', 'needs a WebGPU device to lose');
    await openChat(page, { maxNewTokens: 200, backend: 'auto' });
    await expect(page.getByLabel(/^Backend: /)).toContainText('WebGPU');
    await messageBox(page).fill('Keep talking.');
    await messageBox(page).press('Enter');
    const answer = answers(page).first();
    await expect.poll(async () => (await answer.locator('.markdown').textContent())?.length ?? 0, { timeout: 120_000 }).toBeGreaterThan(0);
    await page.evaluate(() => window.vlm.simulateGpuDeviceLoss());
    await expect(answer).toContainText('The answer failed.', { timeout: 120_000 });
    await expect(answer.getByRole('button', { name: 'Retry' })).toBeVisible();
    await answer.getByRole('button', { name: 'Run on CPU' }).click();
    await expect(page.getByLabel(/^Backend: /)).toContainText('CPU · WASM', { timeout: 120_000 });
    const onCpu = await waitForAnswer(page);
    await expect(onCpu).not.toContainText('The answer failed.');
    expect(await statOf(onCpu, 'Answer')).toBe(200);
  });
});
