/**
 * Live camera mode on Chromium's fake capture device and the real worker with the test model: a
 * frame is taken only when the model is free, each answer shows its frame's age and latency, Pause
 * stops asking, comparing sends the previous frame too, and the camera is released on a hidden
 * tab and on Stop.
 */
import type { Page } from '@playwright/test';
import { baseArgs } from '../playwright.config.ts';
import { expect, test } from './fixtures.ts';
import { openChat } from './chat-helpers.ts';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...baseArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
  permissions: ['camera'],
});

/** Keeps every camera stream the page opens, so the test can see whether its tracks were stopped. */
async function recordStreams(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { e2eStreams: MediaStream[] }).e2eStreams = streams;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      streams.push(stream);
      return stream;
    };
  });
}

/** Camera tracks still live. */
const liveTracks = (page: Page) =>
  page.evaluate(() => (window as unknown as { e2eStreams: MediaStream[] }).e2eStreams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live').length);

const answersOf = (page: Page) => page.getByRole('list', { name: 'Live answers' }).getByRole('listitem');

async function timesOf(page: Page): Promise<{ takenAt: number; finishedAt: number; imageTokens: number }[]> {
  // Newest first on screen: oldest first here.
  const items = await answersOf(page).evaluateAll((elements) =>
    elements.map((element) => ({ takenAt: Number(element.dataset.takenAt), finishedAt: Number(element.dataset.finishedAt), imageTokens: Number(element.dataset.imageTokens) })),
  );
  return items.reverse();
}

test('live camera: frames only when the model is free, age and latency shown, pause, compare, released on hide and stop', async ({ page }) => {
  await recordStreams(page);
  await openChat(page, { maxNewTokens: 6 });
  await page.getByRole('button', { name: 'Live camera' }).click();
  const dialog = page.getByRole('dialog', { name: 'Live camera' });
  const preview = dialog.getByLabel('Live preview');
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
  await expect(dialog.getByRole('textbox', { name: 'Question' })).toHaveValue('Describe what you see in one sentence.');

  await dialog.getByRole('button', { name: 'Start' }).click();
  // At least three answers (the list keeps the newest 20; the same camera picture is answered
  // quickly once its features are kept by content).
  await expect.poll(() => answersOf(page).count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await expect(answersOf(page).first()).toContainText(/frame \d+\.\d s old · answered in \d+\.\d s/);
  await expect(dialog.getByTestId('live-status')).toContainText(/An answer takes about \d+\.\d s here\./);

  await dialog.getByRole('button', { name: 'Pause' }).click();
  await expect(dialog.getByTestId('live-status')).toContainText('Paused.');
  const paused = await timesOf(page);
  // Never a queue: each frame was taken after the previous answer had finished.
  for (let i = 1; i < paused.length; i++) expect(paused[i]!.takenAt).toBeGreaterThanOrEqual(paused[i - 1]!.finishedAt);
  expect(paused.every((answer) => answer.imageTokens === 64)).toBe(true);
  await page.waitForTimeout(1500);
  expect(await answersOf(page).count()).toBe(paused.length);

  // Comparing: the previous frame goes in the prompt too (two frames of 64 image tokens).
  await dialog.getByRole('checkbox', { name: 'Compare with the previous frame' }).check();
  await dialog.getByRole('button', { name: 'Resume' }).click();
  // The newest answer compared two frames (the first one after resuming had no previous frame).
  await expect(answersOf(page).first()).toHaveAttribute('data-image-tokens', '128', { timeout: 120_000 });
  const resumed = await timesOf(page);
  // The first frame after resuming has no previous frame of this run; the next compares.
  expect(resumed.at(-1)!.imageTokens).toBe(128);
  await expect(answersOf(page).first()).toContainText('compared with the previous frame');

  // A hidden tab releases the camera and pauses.
  expect(await liveTracks(page)).toBe(1);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(dialog.getByTestId('live-status')).toContainText('the camera was released while the tab was hidden');
  await expect.poll(() => liveTracks(page)).toBe(0);
  const newestTaken = () => answersOf(page).first().evaluate((element) => Number((element as HTMLElement).dataset.takenAt));
  const lastBeforeHidden = await newestTaken();
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await dialog.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => liveTracks(page)).toBe(1);
  // A new frame answered after resuming.
  await expect.poll(newestTaken, { timeout: 120_000 }).toBeGreaterThan(lastBeforeHidden);

  await dialog.getByRole('button', { name: 'Stop' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => liveTracks(page)).toBe(0);
  expect(await page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
  // The chat is usable again, untouched by the live answers.
  await expect(page.getByRole('article', { name: 'Assistant' })).toHaveCount(0);
});
