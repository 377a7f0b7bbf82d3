/**
 * Video in the chat, on the generated test model (its preprocessor_config.json samples 1 frame a
 * second, at most 16). The videos are made by the tests (e2e/video-fixtures.ts) with one colour
 * per second, so each sampled frame's colour proves which second it was taken from.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { dropFiles, messageBox, openChat, questions, statOf, waitForAnswer } from './chat-helpers.ts';
import { evenTimes, makeVideo, SECOND_COLOURS, webm } from './video-fixtures.ts';

const strip = (page: Page) => page.getByRole('region', { name: 'Video to send' });
const sampled = (page: Page) => strip(page).getByRole('list', { name: 'Sampled frames' }).getByRole('listitem');

/** Each sampled frame's label and the colour at its centre, read from the thumbnail's pixels. */
async function framesOnScreen(page: Page): Promise<{ label: string; rgb: number[] }[]> {
  await expect(sampled(page).first()).toBeVisible();
  return sampled(page).evaluateAll((items) =>
    items.map((item) => {
      const img = item.querySelector('img')!;
      const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const pixel = context.getImageData(Math.floor(img.naturalWidth / 2), Math.floor(img.naturalHeight / 2), 1, 1).data;
      return { label: item.querySelector('.video-frame-time')!.textContent!, rgb: [pixel[0]!, pixel[1]!, pixel[2]!] };
    }),
  );
}

/** The colour of second `label` (MM:SS) within JPEG/YUV rounding. */
function expectColourOfSecond(rgb: number[], label: string) {
  const [minutes, seconds] = label.split(':').map(Number) as [number, number];
  const expected = SECOND_COLOURS[(minutes * 60 + seconds) % SECOND_COLOURS.length]!;
  for (let channel = 0; channel < 3; channel++) expect(Math.abs(rgb[channel]! - expected[channel]!), `${label}: ${rgb} vs ${expected}`).toBeLessThan(40);
}

test('a dropped video: frames and their times checked by pixel, the cost shown, an answer streamed, a follow-up reusing the cache', async ({ page }) => {
  await openChat(page, { maxNewTokens: 8 });
  const clip = await makeVideo(page, { times: evenTimes(8, 10), lastFrameSeconds: 0.1 });
  await messageBox(page).fill('What colour comes last?');
  await dropFiles(page, [webm('colours.webm', clip)]);

  // 8 s at 1 frame a second: 8 frames spread over the 80 (np.linspace(0, 79, 8)), one per second.
  await expect(strip(page).getByTestId('video-summary')).toHaveText('8 frames · 0:08 · 512 image tokens of 2,048');
  const frames = await framesOnScreen(page);
  expect(frames.map((frame) => frame.label)).toEqual(['00:00', '00:01', '00:02', '00:03', '00:04', '00:05', '00:06', '00:07']);
  for (const frame of frames) expectColourOfSecond(frame.rgb, frame.label);
  await expect(strip(page).getByTestId('video-cap')).toHaveCount(0);

  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page);
  await expect(answer).toHaveClass(/status-done/);
  // The prompt as laid out in the worker: 8 frames of 64 image tokens.
  expect(await statOf(answer, 'Image')).toBe(512);
  const promptTokens = await statOf(answer, 'Prompt');
  expect(promptTokens).toBeGreaterThan(512);
  await expect(strip(page)).toHaveCount(0);
  const question = questions(page).last();
  await expect(question.getByRole('list', { name: 'Video frames' }).getByRole('listitem')).toHaveCount(8);
  await expect(question.getByText('Video “colours.webm” · 8 frames · 0:08')).toBeVisible();

  // Follow-up: the video's tokens come from the KV cache, no frame is encoded again.
  await messageBox(page).fill('And first?');
  await messageBox(page).press('Enter');
  const followUp = await waitForAnswer(page);
  expect(await statOf(followUp, 'Reused')).toBeGreaterThanOrEqual(promptTokens);
  expect(await statOf(followUp, 'Image')).toBe(512);
});
