/**
 * Video in the chat, on the generated test model (its preprocessor_config.json samples 1 frame a
 * second, at most 16). The videos are made by the tests (e2e/video-fixtures.ts) with one colour
 * per second, so each sampled frame's colour proves which second it was taken from.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { alertRegion, dropFiles, messageBox, openChat, pasteFiles, pickFiles, questions, statOf, waitForAnswer, waitForModelReady } from './chat-helpers.ts';
import { evenTimes, makeAudioOnly, makeVideo, mp4, patchBytes, SECOND_COLOURS, webm } from './video-fixtures.ts';

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

test('a dropped video: frames and their times checked by pixel, the cost shown, an answer streamed, a follow-up reusing the cache @webgpu', async ({ page, backend }) => {
  await openChat(page, { maxNewTokens: 8 });
  await expect(page.getByLabel(/^Backend: /)).toContainText(backend === 'webgpu' ? 'WebGPU' : 'CPU · WASM');
  const clip = await makeVideo(page, { times: evenTimes(8, 10), lastFrameSeconds: 0.1 });
  await messageBox(page).fill('What colour comes last?');
  await dropFiles(page, [webm('colours.webm', clip)]);

  // 8 s at 1 frame a second: 8 frames spread over the 80 (np.linspace(0, 79, 8)), one per second.
  await expect(strip(page).getByTestId('video-summary')).toHaveText('8 frames · 0:08 · 512 image tokens of 2,048');
  const frames = await framesOnScreen(page);
  expect(frames.map((frame) => frame.label)).toEqual(['00:00', '00:01', '00:02', '00:03', '00:04', '00:05', '00:06', '00:07']);
  for (const frame of frames) expectColourOfSecond(frame.rgb, frame.label);
  await expect(strip(page).getByTestId('video-cap')).toHaveCount(0);
  // SwiftShader runs the vision encoder slowly (over 15 s a frame): two frames there.
  const sent = backend === 'webgpu' ? 2 : 8;
  if (backend === 'webgpu') {
    test.setTimeout(480_000);
    await strip(page).getByRole('spinbutton', { name: 'Frames' }).fill('2');
    await expect(strip(page).getByTestId('video-summary')).toHaveText('2 frames · 0:08 · 128 image tokens of 2,048');
  }

  // A changed frame count samples the video again; Enter meanwhile waits for its frames.
  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page, 300_000);
  await expect(answer).toHaveClass(/status-done/);
  // The prompt as laid out in the worker: the frames of 64 image tokens each.
  expect(await statOf(answer, 'Image')).toBe(sent * 64);
  const promptTokens = await statOf(answer, 'Prompt');
  expect(promptTokens).toBeGreaterThan(sent * 64);
  await expect(strip(page)).toHaveCount(0);
  const question = questions(page).last();
  await expect(question.getByRole('list', { name: 'Video frames' }).getByRole('listitem')).toHaveCount(sent);
  await expect(question.getByText(`Video “colours.webm” · ${sent} frames · 0:08`)).toBeVisible();

  // Follow-up: the video's tokens come from the KV cache, no frame is encoded again.
  await messageBox(page).fill('And first?');
  await messageBox(page).press('Enter');
  const followUp = await waitForAnswer(page, 300_000);
  expect(await statOf(followUp, 'Reused')).toBeGreaterThanOrEqual(promptTokens);
  expect(await statOf(followUp, 'Image')).toBe(sent * 64);
});

test('the person lowers the frame count; a 3-hour video is capped by the model config, the cap shown', async ({ page }) => {
  await openChat(page, { maxNewTokens: 4 });
  const clip = await makeVideo(page, { times: evenTimes(8, 10), lastFrameSeconds: 0.1 });
  await pickFiles(page, [webm('colours.webm', clip)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('8 frames · 0:08 · 512 image tokens of 2,048');
  await strip(page).getByRole('spinbutton', { name: 'Frames' }).fill('4');
  // With 4 frames the clip is longer than they cover (8 - 2 > 4 x 1): the first and last second
  // are skipped, np.linspace(10, 70, 4) = frames 10, 30, 50, 70 of the 10 fps video.
  await expect(strip(page).getByTestId('video-summary')).toHaveText('4 frames · 0:08 · 256 image tokens of 2,048');
  const four = await framesOnScreen(page);
  expect(four.map((frame) => frame.label)).toEqual(['00:01', '00:03', '00:05', '00:07']);
  for (const frame of four) expectColourOfSecond(frame.rgb, frame.label);

  // A 3-hour video (a frame a minute, so the test encodes 180 frames, not 324,000): 1 frame a
  // second would be 10,800; the test model's preprocessor_config.json caps sampling at 16.
  const long = await makeVideo(page, { times: Array.from({ length: 180 }, (_, i) => i * 60), lastFrameSeconds: 60, width: 64, height: 64, colourAt: () => [200, 60, 60] });
  await dropFiles(page, [webm('three-hours.webm', long)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('16 frames · 3:00:00 · 1,024 image tokens of 2,048');
  await expect(strip(page).getByTestId('video-cap')).toContainText('Capped at 16 frames');
  await expect(strip(page).getByTestId('video-cap')).toContainText('10,800');
  const labels = (await framesOnScreen(page)).map((frame) => frame.label);
  expect(labels).toHaveLength(16);
  expect(labels[0]).toBe('00:00');
  // Minutes past 59, as the reference writes them.
  expect(Number(labels.at(-1)!.split(':')[0])).toBeGreaterThan(170);
  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page);
  expect(await statOf(answer, 'Image')).toBe(16 * 64);
});

test('Enter while the frames are sampled again: the question waits for them and goes with the new count', async ({ page }) => {
  await openChat(page, { maxNewTokens: 4 });
  const clip = await makeVideo(page, { times: evenTimes(8, 10), lastFrameSeconds: 0.1 });
  await dropFiles(page, [webm('colours.webm', clip)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('8 frames · 0:08 · 512 image tokens of 2,048');
  await messageBox(page).fill('Which colours?');
  // Enter right after the count changes, while the three frames are decoded anew: the question
  // is not dropped, and it goes with the new frames, not the old eight.
  await strip(page).getByRole('spinbutton', { name: 'Frames' }).fill('3');
  await messageBox(page).press('Enter');
  await expect(questions(page)).toHaveCount(1);
  await expect(questions(page).last().getByText('Video “colours.webm” · 3 frames · 0:08')).toBeVisible();
  await expect(messageBox(page)).toHaveValue('');
  const answer = await waitForAnswer(page);
  await expect(answer).toHaveClass(/status-done/);
  expect(await statOf(answer, 'Image')).toBe(3 * 64);
});

test('too long for the context: the numbers, nothing sent and nothing lost; the offered frame count fits', async ({ page }) => {
  await openChat(page, { maxNewTokens: 4 });
  const clip = await makeVideo(page, { times: evenTimes(16, 4), lastFrameSeconds: 0.25, width: 64, height: 48 });
  await dropFiles(page, [webm('first.webm', clip)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('16 frames · 0:16 · 1,024 image tokens of 2,048');
  await messageBox(page).fill('First video?');
  await messageBox(page).press('Enter');
  await waitForAnswer(page);

  await dropFiles(page, [webm('second.webm', clip)]);
  await messageBox(page).fill('And this one?');
  const overflow = strip(page).getByRole('alert');
  await expect(overflow).toContainText('Too long for the context: 16 frames need about');
  await expect(overflow).toContainText('2,048');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await messageBox(page).press('Enter');
  await expect(questions(page)).toHaveCount(1);
  await expect(messageBox(page)).toHaveValue('And this one?');

  const offer = overflow.getByRole('button', { name: /^Use \d+ frames$/ });
  const offered = Number((await offer.innerText()).replace(/\D/g, ''));
  expect(offered).toBeGreaterThan(0);
  await offer.click();
  await expect(strip(page).getByTestId('video-summary')).toHaveText(new RegExp(`^${offered} frames · 0:16`));
  await expect(strip(page).getByRole('alert')).toHaveCount(0);
  // The summary changes at once; the frames are decoded anew before the message goes.
  await messageBox(page).press('Enter');
  await expect(questions(page)).toHaveCount(2);
  const answer = await waitForAnswer(page);
  await expect(answer).toHaveClass(/status-done/);
  expect(await statOf(answer, 'Image')).toBe((16 + offered) * 64);
});

test('bad videos get a clear message, and the draft and the video waiting are kept', async ({ page }) => {
  await openChat(page, { maxNewTokens: 4 });
  const good = await makeVideo(page, { times: evenTimes(3, 10), lastFrameSeconds: 0.1 });
  await dropFiles(page, [webm('good.webm', good)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('3 frames · 0:03 · 192 image tokens of 2,048');
  await messageBox(page).fill('Keep this draft');

  const mp4Clip = await makeVideo(page, { times: evenTimes(4, 10), lastFrameSeconds: 0.1, codec: 'vp9', container: 'mp4' });
  const wide = await makeVideo(page, { times: evenTimes(1, 10), lastFrameSeconds: 0.1, width: 320, height: 256 });
  const cases: [string, Buffer, RegExp][] = [
    // The MP4's index (moov) is written last: cut short, the file has no track table.
    ['cut-short.mp4', mp4Clip.subarray(0, Math.floor(mp4Clip.length * 0.6)), /“cut-short\.mp4” .*(damaged or incomplete)/],
    ['garbage.webm', Buffer.concat([good.subarray(0, 40), Buffer.alloc(4000, 0x5a)]), /“garbage\.webm” .*(damaged|cannot decode)/],
    ['still.webm', await makeVideo(page, { times: [0], lastFrameSeconds: 0 }), /“still\.webm” lasts 0 seconds/],
    ['sound.webm', await makeAudioOnly(page), /“sound\.webm” has only sound, no picture/],
    ['strange-codec.webm', patchBytes(good, [...Buffer.from('V_VP8')], [...Buffer.from('V_ZZ8')]), /“strange-codec\.webm” is a video this browser cannot decode/],
    // PixelWidth 320 and PixelHeight 256 (EBML ids B0 and BA, two-byte values) rewritten to 40000.
    ['huge.webm', patchBytes(patchBytes(wide, [0xb0, 0x82, 0x01, 0x40], [0xb0, 0x82, 0x9c, 0x40]), [0xba, 0x82, 0x01, 0x00], [0xba, 0x82, 0x9c, 0x40]), /“huge\.webm” claims frames of 40,000 × 40,000 pixels/],
  ];
  for (const [name, bytes, message] of cases) {
    await test.step(name, async () => {
      await dropFiles(page, [name.endsWith('.mp4') ? mp4(name, bytes) : webm(name, bytes)]);
      await expect(alertRegion(page)).toContainText(message);
      await expect(strip(page).getByTestId('video-summary')).toHaveText('3 frames · 0:03 · 192 image tokens of 2,048');
      await expect(messageBox(page)).toHaveValue('Keep this draft');
      await alertRegion(page).getByRole('button', { name: 'Dismiss' }).click();
    });
  }
  // The MP4 itself, whole, is fine (VP9 in MP4).
  await dropFiles(page, [mp4('whole.mp4', mp4Clip)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('4 frames · 0:04 · 256 image tokens of 2,048');
  for (const frame of await framesOnScreen(page)) expectColourOfSecond(frame.rgb, frame.label);
});

test('a pasted video is kept with its chat across a reload, and asked about again', async ({ page }) => {
  await openChat(page, { maxNewTokens: 4 });
  const clip = await makeVideo(page, { times: evenTimes(3, 10), lastFrameSeconds: 0.1 });
  await pasteFiles(page, [webm('pasted.webm', clip)]);
  await expect(strip(page).getByTestId('video-summary')).toHaveText('3 frames · 0:03 · 192 image tokens of 2,048');
  await messageBox(page).fill('What is it?');
  await messageBox(page).press('Enter');
  await waitForAnswer(page);

  await page.reload();
  await waitForModelReady(page);
  const question = questions(page).last();
  await expect(question.getByText('Video “pasted.webm” · 3 frames · 0:03')).toBeVisible();
  await expect(question.locator('.message-video-time')).toHaveText(['00:00', '00:01', '00:02']);
  // A new worker: the stored frames are sent and encoded again, laid out as a video.
  await messageBox(page).fill('And again?');
  await messageBox(page).press('Enter');
  const answer = await waitForAnswer(page);
  await expect(answer).toHaveClass(/status-done/);
  expect(await statOf(answer, 'Image')).toBe(3 * 64);
});
