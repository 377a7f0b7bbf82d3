/**
 * Work ahead of Enter: an attached image is read while the question is typed (vision encoder and
 * the prompt up to the image, in the worker's KV cache), and a follow-up reuses the whole previous
 * turn. The built-in shapes-demo model grades the answers, so "prepared" can never mean "wrong".
 * Behaviour only: the time figures are in `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { gradeAnswer, HELDOUT_DIR, loadHeldout, type HeldoutChat } from '../scripts/demo-model/heldout.ts';
import { BUILT_IN_MODEL } from '../workers/models/registry.ts';
import type { WorkerStatus } from '../workers/protocol.ts';
import { answers, ask, newChat, openChat, pickFiles, statOf, thumbnails, type FileSpec } from './chat-helpers.ts';
import { expect, test } from './fixtures.ts';
import { greedy, installImageMaker, loadTestModel, type WindowWithImages } from './runtime-helpers.ts';

const heldout = loadHeldout();

/** Width and height of a PNG, from its header. */
function pngSize(buffer: Buffer): { width: number; height: number } {
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

function imageFile(name: string): FileSpec {
  return { name: path.basename(name), mimeType: 'image/png', buffer: readFileSync(path.join(HELDOUT_DIR, name)) };
}

/** Held-out one-image chats asking the colour of a shape (answered right 100% of the time), PNG images over `minEdge` px. */
function colourChats(minEdge: number): HeldoutChat[] {
  return heldout.chats.filter((chat) => {
    if (chat.images.length !== 1 || !chat.images[0]!.endsWith('.png') || chat.turns[0]!.type !== 'colour_of_shape') return false;
    const { width, height } = pngSize(readFileSync(path.join(HELDOUT_DIR, chat.images[0]!)));
    return Math.max(width, height) > minEdge;
  });
}

const status = (page: Page): Promise<WorkerStatus> => page.evaluate(() => window.vlm.status());

test.describe('prepared while typing', () => {
  test('an attached image is read before Enter: the answer reuses its tokens, says how early it was ready, and is right', async ({ page }) => {
    await openChat(page, { detail: 'low' }, { model: BUILT_IN_MODEL.id });
    const [chat, other] = colourChats(0);
    const turn = chat!.turns[0]!;

    await pickFiles(page, [imageFile(chat!.images[0]!)]);
    // The worker holds the prompt up to the image before any question is typed.
    await expect.poll(async () => (await status(page)).prepared?.tokens ?? 0, { timeout: 60_000 }).toBeGreaterThan(64);
    const prepared = (await status(page)).prepared!;
    expect(prepared.imageKeys).toHaveLength(1);

    const got = await ask(page, turn.question);
    expect(gradeAnswer(got, turn.answer)).toBe(true);
    const answer = answers(page).last();
    // Everything up to the image came from the cache: only the question's text was prefilled.
    expect(await statOf(answer, 'Reused')).toBeGreaterThanOrEqual(prepared.tokens);
    expect(await statOf(answer, 'Image')).toBe(64);
    await expect(answer.locator('.answer-stats')).toContainText(/Image ready\s*\d+(\.\d+)? s before Enter/);
    expect((await status(page)).prepared).toBeNull();

    // The same picture in a new chat (a new attachment, another id) comes from the features kept
    // by content: the answer is the same.
    await newChat(page);
    await pickFiles(page, [imageFile(chat!.images[0]!)]);
    await expect.poll(async () => (await status(page)).prepared?.tokens ?? 0, { timeout: 60_000 }).toBeGreaterThan(64);
    expect((await status(page)).prepared!.imageKeys).toEqual(prepared.imageKeys);
    expect(await ask(page, turn.question)).toBe(got);

    // Turned off in Settings: nothing is prepared, and the answer to another image is still right.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('checkbox', { name: /Start on images as soon as they are attached/ }).uncheck();
    await page.keyboard.press('Escape');
    await newChat(page);
    await pickFiles(page, [imageFile(other!.images[0]!)]);
    const otherTurn = other!.turns[0]!;
    expect(gradeAnswer(await ask(page, otherTurn.question), otherTurn.answer)).toBe(true);
    await expect(answers(page).last().locator('.answer-stats')).not.toContainText('before Enter');
    expect(await statOf(answers(page).last(), 'Reused')).toBe(0);
  });

  test('what was prepared is replaced when the detail changes and dropped when the image is removed', async ({ page }) => {
    await openChat(page, { detail: 'low' }, { model: BUILT_IN_MODEL.id });
    const [chat] = colourChats(700);
    const file = imageFile(chat!.images[0]!);
    await pickFiles(page, [file]);
    await expect.poll(async () => (await status(page)).prepared?.tokens ?? 0, { timeout: 60_000 }).toBeGreaterThan(64);
    const low = (await status(page)).prepared!;

    // Auto tiles an image this large: other features, more tokens, and the low-detail work is gone.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('radio', { name: /^Auto \d/ }).check();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await status(page)).prepared?.imageKeys[0] ?? '', { timeout: 90_000 }).not.toBe(low.imageKeys[0]);
    const auto = (await status(page)).prepared!;
    expect(auto.tokens).toBeGreaterThan(low.tokens);
    expect((await status(page)).cachedTokens).toBe(auto.tokens);

    // Removed before sending: the cache no longer holds its tokens.
    await page.getByRole('button', { name: `Remove ${file.name}` }).click();
    await expect(thumbnails(page)).toHaveCount(0);
    await expect.poll(async () => (await status(page)).prepared, { timeout: 30_000 }).toBeNull();
    expect((await status(page)).cachedTokens).toBe(0);

    // Attached again and asked at auto: right, from the prepared tiles.
    await pickFiles(page, [file]);
    await expect.poll(async () => (await status(page)).prepared?.tokens ?? 0, { timeout: 90_000 }).toBe(auto.tokens);
    expect(gradeAnswer(await ask(page, chat!.turns[0]!.question), chat!.turns[0]!.answer)).toBe(true);
    expect(await statOf(answers(page).last(), 'Image')).toBeGreaterThan(64);
  });

  test('a question sent while images are being prepared waits for one step at most, and is answered right', async ({ page }) => {
    await page.goto('/');
    const chats = heldout.chats.filter((chat) => chat.images.length === 2 && chat.turns[0]!.type === 'compare_images').slice(0, 1);
    const chat = chats[0]!;
    const images = chat.images.map((name) => ({ name, base64: readFileSync(path.join(HELDOUT_DIR, name)).toString('base64'), type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
    const outcome = await page.evaluate(
      async ({ modelId, images, question, options }) => {
        await window.vlm.load(modelId, { device: 'wasm' }, () => undefined);
        const files = images.map((image, index) => ({ id: `pair-${index}`, blob: new Blob([Uint8Array.from(atob(image.base64), (c) => c.charCodeAt(0))], { type: image.type }) }));
        // Both messages are posted at once: the worker starts preparing, then the question arrives.
        const preparing = window.vlm.prepare([{ role: 'user', text: '', images: files }], 'auto');
        const answer = window.vlm.generate([{ role: 'user', text: question, images: files }], options, () => undefined);
        return { prepared: await preparing, answer: await answer };
      },
      { modelId: BUILT_IN_MODEL.id, images, question: chat.turns[0]!.question, options: greedy(8, 'auto') },
    );
    // Preempted at a step boundary: at most one image was encoded ahead, the rest by the answer.
    expect(outcome.prepared.outcome).toBe('preempted');
    expect(outcome.prepared.imagesEncoded).toBeLessThanOrEqual(1);
    expect(outcome.prepared.imagesEncoded + outcome.answer.timings.imagesEncoded).toBe(2);
    expect(outcome.answer.finishReason).toBe('eos');
    expect(gradeAnswer(outcome.answer.text, chat.turns[0]!.answer)).toBe(true);
  });
});

test('a follow-up reuses the whole previous turn, the answer included, and gives the same tokens as without reuse', async ({ page, backend }) => {
  await page.goto('/');
  await installImageMaker(page);
  await loadTestModel(page, backend);
  const outcome = await page.evaluate(async (options) => {
    const blob = await (window as unknown as WindowWithImages).testImage(3, 640, 480);
    const question = { role: 'user' as const, text: 'Describe this picture.', images: [{ id: 'photo', blob }] };
    // The test model's random weights write tokens that its tokenizer would not produce from the
    // text (retokenized, the follow-up reused only the question before this was fixed).
    const first = await window.vlm.generate([question], options, () => undefined);
    const followUp = [question, { role: 'assistant' as const, text: first.text }, { role: 'user' as const, text: 'And the colours?' }];
    const withReuse = await window.vlm.generate(followUp, options, () => undefined);
    await window.vlm.reset();
    const withoutReuse = await window.vlm.generate(followUp, options, () => undefined);
    return { first, withReuse, withoutReuse };
  }, greedy(64));
  const { first, withReuse, withoutReuse } = outcome;
  expect(first.tokenIds.length).toBeGreaterThan(8);
  // The cache holds the prompt and every generated token it was fed: all of them after an end of
  // answer, all but the last after the length limit (the last one is never run).
  expect(withReuse.timings.reusedPromptTokens).toBe(first.timings.promptTokens + first.tokenIds.length - (first.finishReason === 'length' ? 1 : 0));
  expect(withReuse.timings.imagesEncoded).toBe(0);
  expect(withoutReuse.timings.reusedPromptTokens).toBe(0);
  expect(withReuse.tokenIds).toEqual(withoutReuse.tokenIds);
});

// The real runtime end to end: what work ahead leaves in the cache is what the answer would have
// computed. (That the prompt is cut into the same decoder runs, which keeps q8 logits equal at
// 256M dimensions, is engine.test.ts's; `npm run bench` compares the tokens there.)
test('an answer is the same token for token whether its image was prepared ahead or not', async ({ page, backend }) => {
  await page.goto('/');
  await installImageMaker(page);
  await loadTestModel(page, backend);
  const outcome = await page.evaluate(async (options) => {
    const runs = [];
    for (let seed = 1; seed <= 3; seed++) {
      const blob = await (window as unknown as WindowWithImages).testImage(seed, 640, 480);
      const question = { role: 'user' as const, text: 'Describe this picture in a few words, please.', images: [{ id: `photo-${seed}`, blob }] };
      await window.vlm.reset();
      const cold = await window.vlm.generate([question], options, () => undefined);
      await window.vlm.reset();
      const ahead = await window.vlm.prepare([{ ...question, text: '' }], options.detail);
      const prepared = await window.vlm.generate([question], options, () => undefined);
      runs.push({ cold, ahead, prepared });
    }
    return runs;
  }, greedy(48));
  for (const { cold, ahead, prepared } of outcome) {
    expect(ahead.outcome).toBe('prepared');
    expect(prepared.timings.preparedTokens).toBeGreaterThan(0);
    expect(prepared.timings.reusedPromptTokens).toBe(ahead.preparedTokens);
    expect(cold.timings.reusedPromptTokens).toBe(0);
    expect(prepared.tokenIds).toEqual(cold.tokenIds);
  }
});
