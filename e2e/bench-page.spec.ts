/**
 * "Benchmark this device" as a person uses it: found from Settings, run with the served test model
 * on the CPU, the table shown and copied as Markdown. Figures are not judged (tests never assert
 * timings); what is checked is that every path produced real numbers and the copy holds the table.
 */
import { expect, test, TEST_MODEL_ID } from './fixtures.ts';

test('Settings links to the benchmark page, which runs the model, shows the table and copies it', async ({ page, context }) => {
  test.setTimeout(300_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('link', { name: 'Benchmark this device' }).click();
  await expect(page).toHaveURL(/\/bench\.html$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Benchmark this device' })).toBeVisible();

  await page.getByRole('combobox', { name: 'Model' }).selectOption(TEST_MODEL_ID);
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('wasm');
  await expect(page.getByRole('checkbox', { name: /Quick/ })).toBeChecked();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByRole('heading', { name: 'Running…' })).toBeVisible();

  const copy = page.getByRole('button', { name: 'Copy results as Markdown' });
  await expect(copy).toBeVisible({ timeout: 280_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The streamed answer of the app path was shown while it ran.
  await expect(page.locator('#bench-stream')).not.toBeEmpty();

  const results = page.locator('.bench-results');
  const summary = results.locator('table').first();
  for (const path of ['(a) app', '(b) transformers.js', '(d) bandwidth bound']) {
    await expect(summary.getByRole('row').filter({ hasText: path })).toHaveCount(1);
  }
  // Decode tokens/s of (a) and (b): a positive number in each row.
  const header = await summary.getByRole('row').first().getByRole('columnheader').allInnerTexts();
  const decodeColumn = header.findIndex((text) => /Decode tok\/s/.test(text));
  expect(decodeColumn).toBeGreaterThan(0);
  for (const path of ['(a) app', '(b) transformers.js']) {
    const cell = await summary.getByRole('row').filter({ hasText: path }).getByRole('cell').nth(decodeColumn).innerText();
    expect(Number.parseFloat(cell), `${path} decode tokens/s`).toBeGreaterThan(0);
  }

  await copy.click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(new RegExp(`^# Benchmark: .+ \\(${TEST_MODEL_ID}\\)$`, 'm'));
  expect(copied).toContain('## Summary');
  expect(copied).toMatch(/\| WASM \d+ threads? \| \(a\) app \|/);
});
