/**
 * Taking a photo with the camera: Chromium's fake capture device stands in for a webcam. The
 * preview shows, "Capture" turns the frame into a JPEG that goes through the same checks as a
 * file, and the camera is released when the dialog closes.
 */
import { baseArgs } from '../playwright.config.ts';
import { expect, test } from './fixtures.ts';
import { messageBox, openChat, statOf, thumbnails, waitForAnswer } from './chat-helpers.ts';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...baseArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
  permissions: ['camera'],
});

test('take a photo with the camera, then ask about it', async ({ page }) => {
  await openChat(page, { maxNewTokens: 8 });
  await page.getByRole('button', { name: 'Take photo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Camera' });
  const preview = dialog.getByLabel('Camera preview');
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
  await dialog.getByRole('button', { name: 'Capture' }).click();
  await expect(dialog).toBeHidden();
  await expect(thumbnails(page)).toHaveCount(1);
  await expect(page.getByRole('button', { name: /^View camera-.*\.jpg$/ })).toBeVisible();
  // The camera is released once the dialog closes.
  expect(await page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);

  await messageBox(page).fill('What did the camera see?');
  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page);
  expect(await statOf(answer, 'Image')).toBe(64);
});

test('a camera the person refuses gives a message in the alert region', async ({ page, context }) => {
  await context.clearPermissions();
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await openChat(page, { maxNewTokens: 8 });
  await messageBox(page).fill('draft');
  await page.getByRole('button', { name: 'Take photo' }).click();
  await expect(page.getByRole('alert')).toContainText('Camera access was denied.');
  await expect(page.getByRole('dialog', { name: 'Camera' })).toBeHidden();
  await expect(messageBox(page)).toHaveValue('draft');
});
