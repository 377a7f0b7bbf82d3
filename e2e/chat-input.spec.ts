/**
 * Adding images every way a person does (pick, paste, drop), and every kind of bad file: each is
 * refused with its own message in the composer's alert region, while the typed draft, the chat so
 * far and the loaded model stay as they were.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  alertRegion,
  answers,
  dropFiles,
  encodeImage,
  heicBytes,
  messageBox,
  openChat,
  pasteFiles,
  PDF_BYTES,
  pickFiles,
  pngClaiming,
  pngFile,
  questions,
  statOf,
  SVG_BYTES,
  thumbnails,
  waitForAnswer,
  zipBytes,
  type FileSpec,
} from './chat-helpers.ts';

test.describe('adding images', () => {
  test('pick, paste and drop each add an image; enlarge and remove work; the images are sent', async ({ page }) => {
    await openChat(page, { maxNewTokens: 8 });
    await pickFiles(page, [await pngFile(page, 'picked.png', { seed: 1 })]);
    await pasteFiles(page, [await pngFile(page, 'pasted.png', { seed: 2, width: 200, height: 300 })]);
    await dropFiles(page, [await pngFile(page, 'dropped.png', { seed: 3 })]);
    await expect(thumbnails(page)).toHaveCount(3);
    await expect(page.getByText('3 images of 4')).toBeVisible();
    await expect(alertRegion(page)).toBeEmpty();

    await page.getByRole('button', { name: 'View pasted.png' }).click();
    const viewer = page.getByRole('dialog', { name: 'Image pasted.png' });
    await expect(viewer).toBeVisible();
    await expect(viewer).toContainText('200 × 300');
    expect(await viewer.locator('img').evaluate((image: HTMLImageElement) => image.decode().then(() => image.naturalHeight))).toBe(300);
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();

    await page.getByRole('button', { name: 'Remove picked.png' }).click();
    await expect(thumbnails(page)).toHaveCount(2);

    await messageBox(page).fill('Compare these two.');
    await messageBox(page).press('Enter');
    const answer = await waitForAnswer(page);
    await expect(questions(page).first().getByRole('button', { name: /^View / })).toHaveCount(2);
    // Two images at low detail: one 64-token frame each.
    expect(await statOf(answer, 'Image')).toBe(128);
  });

  test('bad files are refused with a specific message; the draft, the chat and the model survive', async ({ page }) => {
    await openChat(page, { maxNewTokens: 8 });
    await messageBox(page).fill('A question before the bad files');
    await messageBox(page).press('Enter');
    const answer = await waitForAnswer(page);
    const answerText = await answer.locator('.markdown').innerText();

    const draft = 'My draft stays while bad files come and go';
    await messageBox(page).fill(draft);

    const jpeg = await encodeImage(page, { width: 640, height: 480, type: 'image/jpeg' });
    const cases: { title: string; add: (page: Page, files: FileSpec[]) => Promise<void>; files: FileSpec[]; message: RegExp }[] = [
      { title: 'zero-byte file', add: pickFiles, files: [{ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) }], message: /“empty\.jpg” is empty \(0 bytes\)/ },
      {
        title: 'PDF renamed .jpg',
        add: dropFiles,
        files: [{ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: PDF_BYTES }],
        message: /“scan\.jpg” \(despite its \.jpg name\) is a PDF document, not an image/,
      },
      {
        title: 'ZIP renamed .png',
        add: pasteFiles,
        files: [{ name: 'photos.png', mimeType: 'image/png', buffer: zipBytes() }],
        message: /“photos\.png” \(despite its \.png name\) is a ZIP archive, not an image/,
      },
      {
        title: 'truncated JPEG',
        add: pickFiles,
        files: [{ name: 'cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)) }],
        message: /“cut\.jpg” is an incomplete JPEG file: it ends before the image data does/,
      },
      {
        title: 'PNG whose header claims 30000 x 30000 pixels',
        add: dropFiles,
        files: [{ name: 'bomb.png', mimeType: 'image/png', buffer: pngClaiming(30000, 30000) }],
        message: /“bomb\.png” claims to be 30,000 × 30,000 pixels \(900 megapixels\)\. Images above 50 megapixels are refused before decoding/,
      },
      { title: 'SVG', add: pickFiles, files: [{ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: SVG_BYTES }], message: /“logo\.svg” is an SVG drawing/ },
      {
        title: 'HEIC this browser cannot decode',
        add: dropFiles,
        files: [{ name: 'IMG_0042.HEIC', mimeType: 'image/heic', buffer: heicBytes() }],
        message: /“IMG_0042\.HEIC” is a HEIC\/HEIF photo, which this browser cannot decode/,
      },
    ];

    for (const bad of cases) {
      await test.step(bad.title, async () => {
        await bad.add(page, bad.files);
        await expect(alertRegion(page)).toContainText(bad.message);
        await expect(thumbnails(page)).toHaveCount(0);
        await expect(messageBox(page)).toHaveValue(draft);
        await expect(questions(page)).toHaveCount(1);
        await expect(answers(page)).toHaveCount(1);
        await expect(answer.locator('.markdown')).toHaveText(answerText);
        await expect(page.locator('.app')).toHaveAttribute('data-runtime', 'ready');
      });
    }

    await test.step('five images for a four-image limit', async () => {
      const files = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name, i) => pngFile(page, `${name}.png`, { seed: i + 10, width: 64, height: 64 })));
      await pickFiles(page, files);
      await expect(thumbnails(page)).toHaveCount(4);
      await expect(alertRegion(page)).toContainText(/A message can carry at most 4 images with .+; “e\.png” was not added/);
      await expect(page.getByRole('button', { name: 'Remove e.png' })).toHaveCount(0);
      await expect(messageBox(page)).toHaveValue(draft);
      await expect(questions(page)).toHaveCount(1);
    });

    await test.step('the alert can be dismissed and the chat goes on with the good images', async () => {
      await alertRegion(page).getByRole('button', { name: 'Dismiss' }).click();
      await expect(alertRegion(page)).toBeEmpty();
      await messageBox(page).press('Enter');
      const second = await waitForAnswer(page);
      await expect(questions(page)).toHaveCount(2);
      await expect(questions(page).nth(1).getByRole('button', { name: /^View / })).toHaveCount(4);
      expect(await statOf(second, 'Image')).toBe(4 * 64);
    });
  });
});
