/**
 * Stopping, editing, failing and starting over: Stop keeps the partial answer (marked stopped)
 * and the conversation goes on from it; Edit replaces a question and drops what followed; a
 * failed answer shows its error in place with Retry; New chat clears.
 */
import { expect, test } from './fixtures.ts';
import { answers, messageBox, openChat, pickFiles, pngFile, questions, statOf, thumbnails, waitForAnswer } from './chat-helpers.ts';

test.describe('stop, edit, new chat', () => {
  test('stop mid-answer keeps the partial answer, marked stopped, and the chat goes on', async ({ page }) => {
    await openChat(page, { maxNewTokens: 1500 });
    await messageBox(page).fill('Write a very long essay about the sea.');
    await messageBox(page).press('Enter');

    const answer = answers(page).first();
    const body = answer.locator('.markdown');
    // Tokens are arriving: the text grows.
    await expect.poll(async () => (await body.textContent())?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(20);
    const before = (await body.textContent())!.length;
    await expect.poll(async () => (await body.textContent())?.length ?? 0).toBeGreaterThan(before);

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(answer).toHaveAttribute('aria-busy', 'false');
    await expect(answer.getByText('Stopped', { exact: true })).toBeVisible();
    await expect(answer).toContainText('The answer was stopped before it finished.');
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
    const partial = (await body.innerText()).trim();
    expect(partial.length).toBeGreaterThan(0);
    const newTokens = await statOf(answer, 'Answer');
    expect(newTokens).toBeGreaterThan(0);
    expect(newTokens).toBeLessThan(1500);
    // Nothing more arrives after the stop.
    await page.waitForTimeout(500);
    expect((await body.innerText()).trim()).toBe(partial);

    // The partial answer is part of the conversation: a follow-up goes on from it, reusing the
    // cached prompt (how much of the partial answer is reused depends on how its text re-tokenizes).
    const firstPrompt = await statOf(answer, 'Prompt');
    await messageBox(page).fill('Go on, but briefly.');
    await page.getByRole('button', { name: 'Send' }).click();
    const followUpBody = answers(page).nth(1).locator('.markdown');
    await expect.poll(async () => (await followUpBody.textContent())?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Stop' }).click();
    const followUp = await waitForAnswer(page);
    expect(await statOf(followUp, 'Reused')).toBeGreaterThanOrEqual(firstPrompt);
    expect(await statOf(followUp, 'Prompt')).toBeGreaterThan(firstPrompt + 10);

    // Still stopped, with the same text, after a reload.
    await page.reload();
    await expect(answers(page).first().getByText('Stopped', { exact: true })).toBeVisible();
    await expect(answers(page).first().locator('.markdown')).toHaveText(partial);
  });

  test('edit and resend replaces the question and drops what followed; new chat starts empty', async ({ page }) => {
    await openChat(page, { maxNewTokens: 12 });
    await messageBox(page).fill('First question');
    await messageBox(page).press('Enter');
    await waitForAnswer(page);
    await messageBox(page).fill('Second question');
    await messageBox(page).press('Enter');
    await waitForAnswer(page);
    await expect(questions(page)).toHaveCount(2);

    await questions(page).first().hover();
    await questions(page).first().getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await expect(editor).toHaveValue('First question');
    await editor.fill('First question, edited');
    await page.getByRole('button', { name: 'Save and send' }).click();
    await waitForAnswer(page);
    await expect(questions(page)).toHaveCount(1);
    await expect(answers(page)).toHaveCount(1);
    await expect(questions(page).first()).toContainText('First question, edited');
    // The chat's title follows the edited first question.
    await expect(page.getByRole('navigation', { name: 'Past chats' }).getByRole('button', { name: /^First question, edited/ })).toBeVisible();

    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page.getByRole('heading', { name: 'Ask about an image' })).toBeVisible();
    await expect(questions(page)).toHaveCount(0);
    // The model stays loaded across chats.
    await expect(page.locator('.app')).toHaveAttribute('data-runtime', 'ready');
  });
});

test('a failed answer shows the error in place with Retry, and Retry works once the cause is fixed', async ({ page }) => {
  // Two large images at high detail: 2 x 1,088 image tokens, more than the test model's 2,048.
  await openChat(page, { maxNewTokens: 8, detail: 'high' });
  await pickFiles(page, [await pngFile(page, 'big-1.png', { width: 1024, height: 1024, seed: 1 }), await pngFile(page, 'big-2.png', { width: 1024, height: 1024, seed: 2 })]);
  await expect(thumbnails(page).first()).toContainText('1088 tok');
  await messageBox(page).fill('Compare them in detail.');
  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page);
  await expect(answer).toContainText('The answer failed.');
  await expect(answer).toContainText(/reads at most 2048/);
  await expect(answer.getByRole('button', { name: 'Run on CPU' })).toHaveCount(0);

  // Lower the detail, then Retry the same question.
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: /^Low/ }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await answer.getByRole('button', { name: 'Retry' }).click();
  const retried = await waitForAnswer(page);
  await expect(retried).not.toContainText('The answer failed.');
  expect(await statOf(retried, 'Image')).toBe(128);
  await expect(answers(page)).toHaveCount(1);
});
