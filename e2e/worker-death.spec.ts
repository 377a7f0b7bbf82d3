/**
 * The model worker dies mid-answer: by an exception nothing catches (its `error` event), or closed
 * from outside through the DevTools protocol, which fires no event at all (as a browser killing
 * it for memory would). The call still waiting must fail with a named error instead of hanging,
 * the text streamed so far stays with the caller, and the next question runs on a fresh worker
 * with the model reloaded.
 */
import type { Page } from '@playwright/test';
import { answers, messageBox, openChat, waitForAnswer } from './chat-helpers.ts';
import { expect, test } from './fixtures.ts';
import { greedy, loadTestModel } from './runtime-helpers.ts';

/** Starts a long answer and, once the first piece arrived, runs `kill`; returns how it ended. */
async function answerKilledMidway(page: Page, kill: () => Promise<void>) {
  await page.evaluate((options) => {
    const state = { pieces: [] as string[], outcome: null as null | { finishReason?: string; error?: { name: string; message: string } } };
    (window as unknown as { answer: typeof state }).answer = state;
    void window.vlm.generate([{ role: 'user', text: 'Tell me a long story.' }], options, (piece) => state.pieces.push(piece)).then(
      (result) => (state.outcome = { finishReason: result.finishReason }),
      (error: Error) => (state.outcome = { error: { name: error.name, message: error.message } }),
    );
  }, greedy(2000));
  await page.waitForFunction(() => (window as unknown as { answer: { pieces: string[] } }).answer.pieces.length > 0);
  await kill();
  await page.waitForFunction(() => (window as unknown as { answer: { outcome: unknown } }).answer.outcome !== null, undefined, { timeout: 30_000 });
  return page.evaluate(() => (window as unknown as { answer: { pieces: string[]; outcome: { finishReason?: string; error?: { name: string; message: string } } } }).answer);
}

/** The next question after the death: recovered (a fresh worker, the model reloaded) and answered. */
async function askAgain(page: Page) {
  return page.evaluate(async (options) => {
    const recoveries: string[] = [];
    const stop = window.vlm.onRecovered((_result, reason) => recoveries.push(reason));
    const result = await window.vlm.generate([{ role: 'user', text: 'Are you back?' }], options, () => undefined);
    stop();
    return { recoveries, finishReason: result.finishReason, tokens: result.tokenIds.length, status: await window.vlm.status() };
  }, greedy(4));
}

test('in the chat page: the worker closed mid-answer keeps the text streamed so far with the error and Retry, which answers again', async ({ page }) => {
  await openChat(page, { maxNewTokens: 400 });
  await messageBox(page).fill('Write a very long essay about the sea.');
  await messageBox(page).press('Enter');
  const answer = answers(page).first();
  const body = answer.locator('.markdown');
  // Measured as below (trimmed): the answer's leading whitespace is not kept text.
  await expect.poll(async () => (await body.innerText()).trim().length, { timeout: 60_000 }).toBeGreaterThan(20);
  const worker = page.workers().find((candidate) => candidate.url().includes('vlm'));
  await worker!.evaluate(() => (self as unknown as { close: () => void }).close()).catch(() => undefined);

  await expect(answer).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect(answer).toContainText('The answer failed.');
  await expect(answer).toContainText('stopped without a word');
  const kept = (await body.innerText()).trim();
  expect(kept.length).toBeGreaterThan(20);
  // Retry: a fresh worker, the model reloaded, a new answer.
  await answer.getByRole('button', { name: 'Retry' }).click();
  const again = await waitForAnswer(page);
  await expect(again).toHaveAttribute('aria-busy', 'false');
  expect((await again.locator('.markdown').innerText()).trim().length).toBeGreaterThan(0);
  await expect(again).not.toContainText('The answer failed.');
});

test.describe('worker death', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await loadTestModel(page, 'wasm');
  });

  test('an exception nothing catches inside the worker mid-answer fails the call by name, and the next question runs', async ({ page }) => {
    const answer = await answerKilledMidway(page, () => page.evaluate(() => window.vlm.simulateUncaughtError().catch(() => undefined)));
    expect(answer.outcome.error?.name).toBe('WorkerCrashedError');
    expect(answer.outcome.error?.message).toMatch(/The model worker crashed: .*simulated failure/);
    expect(answer.pieces.join('').length).toBeGreaterThan(0);
    const next = await askAgain(page);
    expect(next.recoveries).toHaveLength(1);
    expect(next).toMatchObject({ finishReason: 'length', tokens: 4, status: { loaded: { modelId: 'SmolVLM-test-tiny' } } });
  });

  test('a worker closed through the DevTools protocol (no error event) fails the call by name, and the next question runs', async ({ page }) => {
    const answer = await answerKilledMidway(page, async () => {
      const worker = page.workers().find((candidate) => candidate.url().includes('vlm'));
      expect(worker).toBeDefined();
      // `close()` inside a dedicated worker ends it silently: no error, no message to the page.
      await worker!.evaluate(() => (self as unknown as { close: () => void }).close()).catch(() => undefined);
    });
    expect(answer.outcome.error?.name).toBe('WorkerCrashedError');
    expect(answer.outcome.error?.message).toMatch(/stopped without a word/);
    const next = await askAgain(page);
    expect(next.recoveries).toHaveLength(1);
    expect(next).toMatchObject({ finishReason: 'length', tokens: 4, status: { loaded: { modelId: 'SmolVLM-test-tiny' } } });
  });
});
