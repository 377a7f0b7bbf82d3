/**
 * Images the browser decodes differently, picked through the chat page and asked about: the
 * built-in model must see the same scene in every format (a red circle at the top left, a blue
 * square at the bottom right; e2e/fixtures/formats, written by scripts/image-fixtures/make.py).
 * Sniffing the bytes is not enough: each file is decoded, sent to the worker and answered about.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { BUILT_IN_MODEL } from '../workers/models/registry.ts';
import { ask, newChat, openChat, pickFiles, thumbnails } from './chat-helpers.ts';
import { expect, test } from './fixtures.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'formats');

function fixture(name: string, mimeType: string) {
  return { name, mimeType, buffer: readFileSync(path.join(FIXTURES, name)) };
}

/** Picks the file in a new chat and asks two questions the model answers reliably about the scene. */
async function askAboutScene(page: Page, file: ReturnType<typeof fixture>) {
  await newChat(page);
  await pickFiles(page, [file]);
  await expect(thumbnails(page)).toHaveCount(1);
  return { colour: await ask(page, 'What colour is the circle?'), square: await ask(page, 'Is there a blue square?') };
}

const clean = (answer: string) => answer.toLowerCase().replace(/\.$/, '');

test.describe('image formats', () => {
  test.beforeEach(async ({ page }) => {
    await openChat(page, { maxNewTokens: 8 }, { model: BUILT_IN_MODEL.id });
  });

  test('WebP, AVIF, BMP, a 16-bit PNG and a CMYK JPEG: each decoded, sent and answered about like any PNG', async ({ page }) => {
    for (const [name, mimeType] of [
      ['scene.webp', 'image/webp'],
      ['scene.avif', 'image/avif'],
      ['scene.bmp', 'image/bmp'],
      ['deep.png', 'image/png'],
      ['cmyk.jpg', 'image/jpeg'],
    ] as const) {
      const answers = await askAboutScene(page, fixture(name, mimeType));
      expect([name, clean(answers.colour), clean(answers.square)]).toEqual([name, 'red', 'yes']);
    }
  });

  test('an animated GIF says the model sees its first frame, and the answers are about that frame', async ({ page }) => {
    await newChat(page);
    await pickFiles(page, [fixture('animated.gif', 'image/gif')]);
    await expect(thumbnails(page)).toHaveCount(1);
    await expect(page.getByRole('note', { name: 'Animated GIF: the model sees its first frame only.' })).toBeVisible();
    expect(clean(await ask(page, 'What colour is the circle?'))).toBe('red');
    // The second frame's green triangle is not in the first frame.
    expect(clean(await ask(page, 'Is there a green triangle?'))).toBe('no');
  });

  test('a JPEG stored sideways with EXIF orientation is upright in the thumbnail and for the model', async ({ page }) => {
    await newChat(page);
    await pickFiles(page, [fixture('rotated.jpg', 'image/jpeg')]);
    // Stored 400 x 600; shown, and sent, 600 x 400.
    await expect(page.getByRole('button', { name: 'View rotated.jpg' })).toHaveAttribute('title', 'rotated.jpg · 600 × 400');
    const thumbnail = page.getByRole('button', { name: 'View rotated.jpg' }).locator('img');
    expect(await thumbnail.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([600, 400]);
    const seenByWorker = await thumbnail.evaluate(async (img: HTMLImageElement) => {
      const blob = await (await fetch(img.src)).blob();
      const estimate = await window.vlm.estimate([{ role: 'user', text: 'x', images: [{ id: 'rotated', blob }] }], 'low');
      return [estimate.images[0]!.width, estimate.images[0]!.height];
    });
    expect(seenByWorker).toEqual([600, 400]);
    expect(clean(await ask(page, 'What colour is the circle?'))).toBe('red');
  });
});
