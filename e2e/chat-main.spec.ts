/**
 * The chat page as a person uses it, against the real worker and the generated test model: drop
 * an image, ask, watch the answer stream, ask a follow-up about the same image (multi-turn with KV
 * cache reuse), regenerate; a text-only chat; reload and find the chats again; export them.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, watchConsole } from './fixtures.ts';
import {
  answers,
  dropFiles,
  messageBox,
  openChat,
  pngFile,
  questions,
  recordStreaming,
  statOf,
  tagAnswers,
  thumbnails,
  waitForAnswer,
} from './chat-helpers.ts';

test.describe('chat page', () => {
  test('main flow: drop an image, ask, stream, follow up, regenerate @webgpu', async ({ page, backend }) => {
    const errors = watchConsole(page);
    // SwiftShader (software WebGPU) decodes far slower than WASM: shorter answers there.
    const answerLength = backend === 'webgpu' ? 24 : 120;
    await openChat(page, { maxNewTokens: answerLength });
    await expect(page.getByLabel(/^Backend: /)).toContainText(backend === 'webgpu' ? 'WebGPU fp32' : /CPU · WASM · \d+ threads?/);

    await dropFiles(page, [await pngFile(page, 'chart.png', { width: 320, height: 240, seed: 2 })]);
    await expect(thumbnails(page)).toHaveCount(1);
    await expect(thumbnails(page).first()).toContainText('64 tok');

    const samples = await recordStreaming(page);
    await messageBox(page).fill('What does this chart show?');
    await messageBox(page).press('Enter');
    await expect(messageBox(page)).toHaveValue('');
    await expect(thumbnails(page)).toHaveCount(0);
    await expect(questions(page)).toHaveCount(1);
    await expect(questions(page).first().getByRole('button', { name: 'View chart.png' })).toBeVisible();

    const first = await waitForAnswer(page);
    const growth = (await samples()).filter((sample) => sample.length > 0);
    // Streamed: the text grew in several steps over time, not all at once.
    expect(growth.length).toBeGreaterThanOrEqual(3);
    expect(growth.at(-1)!.at).toBeGreaterThan(growth[0]!.at);
    const increases = growth.filter((sample, i) => i > 0 && sample.length > growth[i - 1]!.length).length;
    expect(increases).toBeGreaterThanOrEqual(3);
    const firstText = (await first.locator('.markdown').innerText()).trim();
    expect(firstText.length).toBeGreaterThan(0);
    expect(await statOf(first, 'Answer')).toBe(answerLength);
    expect(await statOf(first, 'Image')).toBe(64);
    expect(await statOf(first, 'Prompt')).toBeGreaterThan(64);
    expect(await statOf(first, 'Speed')).toBeGreaterThan(0);
    await expect(first.getByText('Reached the answer length limit')).toBeVisible();

    // Follow-up about the same image: the whole conversation goes again, the worker reuses its cache.
    await messageBox(page).fill('And what colours are in it?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(answers(page)).toHaveCount(2);
    const second = await waitForAnswer(page);
    expect(await statOf(second, 'Image')).toBe(64);
    expect(await statOf(second, 'Reused')).toBeGreaterThan(64);
    expect(await statOf(second, 'Prompt')).toBeGreaterThan(await statOf(first, 'Prompt'));

    // Regenerate re-runs the last question: still two answers, a fresh one in the last place.
    const secondText = await second.locator('.markdown').innerText();
    const previous = await tagAnswers(page);
    await second.getByRole('button', { name: 'Regenerate' }).click();
    // The last answer is replaced; the first one stays.
    await expect(previous).toHaveCount(1);
    const regenerated = await waitForAnswer(page);
    await expect(answers(page)).toHaveCount(2);
    await expect(questions(page)).toHaveCount(2);
    expect(await statOf(regenerated, 'Reused')).toBeGreaterThan(64);
    // Greedy decoding of the same conversation gives the same answer.
    if (backend === 'wasm') expect(await regenerated.locator('.markdown').innerText()).toBe(secondText);
    expect(errors.filter((error) => !/onnxruntime|GPU|WebGPU|404/i.test(error))).toEqual([]);
  });

  test('text-only question, reload to find the chats again, export as Markdown and JSON', async ({ page }) => {
    await openChat(page, { maxNewTokens: 16 });
    await dropFiles(page, [await pngFile(page, 'photo.png', { seed: 5 })]);
    await messageBox(page).fill('Describe this photo.');
    await messageBox(page).press('Enter');
    const imageAnswer = await waitForAnswer(page);
    const imageAnswerText = (await imageAnswer.locator('.markdown').innerText()).trim();

    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page.getByRole('heading', { name: 'Ask about an image' })).toBeVisible();
    await messageBox(page).fill('Tell me a short story.');
    await messageBox(page).press('Enter');
    const textAnswer = await waitForAnswer(page);
    expect(await statOf(textAnswer, 'Image')).toBe(0);
    expect(await statOf(textAnswer, 'Answer')).toBe(16);
    const textAnswerText = (await textAnswer.locator('.markdown').innerText()).trim();

    await page.reload();
    // The open chat comes back, and both chats are listed.
    await expect(questions(page)).toHaveCount(1);
    await expect(questions(page).first()).toContainText('Tell me a short story.');
    await expect(answers(page).first().locator('.markdown')).toHaveText(textAnswerText);
    const pastChats = page.getByRole('navigation', { name: 'Past chats' });
    await expect(pastChats.getByRole('button', { name: /^Tell me a short story/ })).toBeVisible();
    await pastChats.getByRole('button', { name: /^Describe this photo/ }).click();
    await expect(questions(page).first()).toContainText('Describe this photo.');
    await expect(answers(page).first().locator('.markdown')).toHaveText(imageAnswerText);
    // The image came back from IndexedDB as a Blob and still decodes.
    const image = questions(page).first().locator('img');
    await expect(image).toBeVisible();
    expect(await image.evaluate((element: HTMLImageElement) => element.decode().then(() => element.naturalWidth))).toBe(320);

    const markdownDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export chat' }).click();
    await page.getByRole('button', { name: 'Export as Markdown' }).click();
    const markdownFile = await markdownDownload;
    expect(markdownFile.suggestedFilename()).toBe('describe-this-photo.md');
    const markdown = await readFile((await markdownFile.path())!, 'utf8');
    expect(markdown).toContain('# Describe this photo.');
    expect(markdown).toContain('- Image: photo.png (320 × 240)');
    expect(markdown).toContain('## Assistant (SmolVLM-test-tiny)');
    expect(markdown.replace(/\s+/g, ' ')).toContain(imageAnswerText.replace(/\s+/g, ' ').slice(0, 20));

    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export chat' }).click();
    await page.getByRole('button', { name: /Export as JSON/ }).click();
    const jsonFile = await jsonDownload;
    expect(jsonFile.suggestedFilename()).toBe('describe-this-photo.json');
    const exported = JSON.parse(await readFile((await jsonFile.path())!, 'utf8'));
    expect(exported.format).toBe('vlm-chat.conversation');
    const [question, answer] = exported.conversation.messages;
    expect(question).toMatchObject({ role: 'user', text: 'Describe this photo.', images: [{ name: 'photo.png', width: 320, height: 240 }] });
    expect(question.images[0].dataUrl).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(answer).toMatchObject({ role: 'assistant', status: 'done', modelId: 'SmolVLM-test-tiny' });
    expect(answer.text.trim().slice(0, 10)).toBe(imageAnswerText.slice(0, 10));

    // Delete a chat from the list.
    await pastChats.getByRole('button', { name: /Delete chat “Tell me a short story/ }).click();
    await pastChats.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(pastChats.getByRole('button', { name: /^Tell me a short story/ })).toHaveCount(0);
    await expect(pastChats.getByRole('button', { name: /^Describe this photo/ })).toBeVisible();
  });
});
