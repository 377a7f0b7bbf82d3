/**
 * Reloading in the middle of things: an answer cut short by a reload comes back with the text that
 * had streamed (saved at most a second behind), marked "Stopped, page reloaded", and goes on with
 * Continue or starts over with Regenerate; the message being written, text and images, comes back
 * in its chat, and is gone once sent.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { answers, messageBox, openChat, pickFiles, pngFile, questions, recordStreaming, tagAnswers, thumbnails, waitForAnswer, waitForModelReady } from './chat-helpers.ts';

/**
 * An answer's text as letters and digits only. The test model writes random tokens, and Markdown
 * may render the same characters differently once more text arrives (a `*` that later opens
 * emphasis); the words themselves stay.
 */
async function wordsOf(answer: Locator): Promise<string> {
  return ((await answer.locator('.markdown').textContent()) ?? '').replace(/[^\p{L}\p{N}]/gu, '');
}

/** Asks for a long answer, reloads while it streams; returns the answer as it came back and its words. */
async function answerCutShortByReload(page: Page): Promise<{ kept: Locator; keptWords: string }> {
  await openChat(page, { maxNewTokens: 2048 });
  await messageBox(page).fill('Write a very long essay about the sea.');
  await messageBox(page).press('Enter');

  const answer = answers(page).first();
  await expect.poll(async () => (await wordsOf(answer)).length, { timeout: 60_000 }).toBeGreaterThan(40);
  // Saves are at most a second apart: what was on screen a second before the reload is kept.
  const shownBefore = await wordsOf(answer);
  await page.waitForTimeout(1_100);
  const shownAtReload = await wordsOf(answer);
  await expect(answer, 'still answering when the page reloads').toHaveAttribute('aria-busy', 'true');
  await page.reload();

  const kept = answers(page).first();
  await expect(kept.getByText('Stopped, page reloaded', { exact: true })).toBeVisible();
  await expect(kept).toContainText('the text that had arrived is kept');
  await expect(kept).toHaveAttribute('aria-busy', 'false');
  const keptWords = await wordsOf(kept);
  expect(keptWords.startsWith(shownBefore), `kept "${keptWords}" starts with what was shown a second before, "${shownBefore}"`).toBe(true);
  // Tokens may still stream between the last look and the unload, and pagehide saves them too:
  // the kept text and the last look agree, one extending the other (nothing foreign is kept).
  expect(shownAtReload.startsWith(keptWords) || keptWords.startsWith(shownAtReload), 'the kept text agrees with what was shown at the reload').toBe(true);
  await waitForModelReady(page);
  return { kept, keptWords };
}

/**
 * The lengths the last answer's text went through while `action` ran, until it was stopped once
 * its text was longer than `moreThan` characters. Characters, not words: the random model may
 * write a long run of spaces before its next word (a fresh-clone CI run saw a thousand), and the
 * answer must not run into the context's end before Stop.
 */
async function lengthsWhile(page: Page, answer: Locator, action: () => Promise<void>, moreThan: number): Promise<number[]> {
  const samples = await recordStreaming(page);
  await action();
  await expect.poll(async () => ((await answer.locator('.markdown').textContent()) ?? '').length, { timeout: 60_000 }).toBeGreaterThan(moreThan);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(answer).toHaveAttribute('aria-busy', 'false');
  return (await samples()).map((sample) => sample.length);
}

test('an answer cut short by a reload keeps its text, and Continue appends to it', async ({ page }) => {
  const { kept, keptWords } = await answerCutShortByReload(page);
  const keptLength = (await kept.locator('.markdown').textContent())!.length;

  const lengths = await lengthsWhile(page, kept, () => kept.getByRole('button', { name: 'Continue' }).click(), keptLength + 20);
  // The text never went back below what was kept: the model went on from it. (A few characters
  // of slack: Markdown may fold a marker into formatting as more text arrives.)
  expect(Math.min(...lengths)).toBeGreaterThanOrEqual(keptLength - 10);
  expect((await wordsOf(kept)).startsWith(keptWords)).toBe(true);
  await expect(answers(page)).toHaveCount(1);
  await expect(kept.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(kept.getByText('Stopped, page reloaded', { exact: true })).toHaveCount(0);
  await expect(kept.getByRole('button', { name: 'Continue' })).toHaveCount(0);

  // The continued answer is saved like any other.
  const continued = await kept.locator('.markdown').textContent();
  await page.reload();
  await expect(answers(page).first().getByText('Stopped', { exact: true })).toBeVisible();
  await expect(answers(page).first().locator('.markdown')).toHaveText(continued!);
});

test('Regenerate replaces an answer cut short by a reload with a new one', async ({ page }) => {
  const { kept, keptWords } = await answerCutShortByReload(page);
  const old = await tagAnswers(page);

  const regenerated = answers(page).first();
  const lengths = await lengthsWhile(page, regenerated, () => kept.getByRole('button', { name: 'Regenerate' }).click(), 20);
  await expect(old).toHaveCount(0);
  await expect(answers(page)).toHaveCount(1);
  // The text started over from nothing.
  expect(Math.min(...lengths)).toBeLessThan(keptWords.length / 2);
  await expect(regenerated.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(regenerated.getByText('Stopped, page reloaded', { exact: true })).toHaveCount(0);
});

/** The composer's image is on screen: its thumbnail decoded from the Blob that came back. */
async function expectThumbnailShown(page: Page, name: string): Promise<void> {
  const image = thumbnails(page).getByRole('button', { name: `View ${name}` }).locator('img');
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(320);
}

test('the message being written, text and image, comes back after a reload in its own chat, and is gone once sent', async ({ page }) => {
  // Nothing here waits for the model but the answer: the page loads it alongside.
  await openChat(page, {}, { waitForModel: false });
  await messageBox(page).fill('What colour is the square?');
  await pickFiles(page, [await pngFile(page, 'square.png')]);
  await expectThumbnailShown(page, 'square.png');
  await page.reload();
  await expect(messageBox(page)).toHaveValue('What colour is the square?');
  await expectThumbnailShown(page, 'square.png');

  // Sent: the composer empties, and stays empty after a reload.
  await messageBox(page).press('Enter');
  await waitForAnswer(page);
  await expect(messageBox(page)).toHaveValue('');
  await page.reload();
  await expect(questions(page)).toHaveCount(1);
  await expect(messageBox(page)).toHaveValue('');
  await expect(thumbnails(page)).toHaveCount(0);

  // One draft per chat: this chat's stays with it, a new chat has its own, which a reload keeps too.
  await messageBox(page).fill('A follow-up, not sent yet');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(messageBox(page)).toHaveValue('');
  await messageBox(page).fill('A new question');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Ask about an image' })).toBeVisible();
  await expect(messageBox(page)).toHaveValue('A new question');
  await page.getByRole('navigation', { name: 'Past chats' }).getByRole('button', { name: /^What colour is the square\?/ }).click();
  await expect(questions(page)).toHaveCount(1);
  await expect(messageBox(page)).toHaveValue('A follow-up, not sent yet');
});
