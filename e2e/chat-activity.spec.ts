/**
 * While the model loads and answers, the page keeps its hands off the CPU ONNX Runtime is using:
 * nothing on it animates every frame (a CSS animation makes the compositor draw 60 times a
 * second), yet it still shows it is working, in steps (src/lib/activity.tsx).
 */
import { expect, test } from './fixtures.ts';
import { TEST_MODEL_ID } from './fixtures.ts';
import { answers, messageBox, openChat, waitForAnswer, waitForModelReady } from './chat-helpers.ts';

type Sample = {
  loading: boolean;
  answering: boolean;
  spinnerTurn: string | null;
  /** Animations on the page that never end (CSS or Web Animations). */
  endless: string[];
};

test('loading and answering: nothing animates every frame, and the page still shows it is working', async ({ page, context }) => {
  // The model's files arrive slowly, so the loading screen stays up long enough to watch.
  await context.route(`**/models/${TEST_MODEL_ID}/onnx/**`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await page.addInitScript(() => {
    const samples: Sample[] = [];
    (window as unknown as { activitySamples: Sample[] }).activitySamples = samples;
    setInterval(() => {
      samples.push({
        loading: document.querySelector('.load-status') !== null,
        answering: document.querySelector('article[aria-label="Assistant"][aria-busy="true"]') !== null,
        spinnerTurn: (document.querySelector('.load-status .spinner') as HTMLElement | null)?.style.transform ?? null,
        endless: document
          .getAnimations()
          .filter((animation) => animation.effect?.getComputedTiming().endTime === Infinity)
          .map((animation) => (animation as CSSAnimation).animationName ?? animation.id ?? 'animation'),
      });
    }, 30);
  });
  await openChat(page, { maxNewTokens: 1500 }, { waitForModel: false });
  await waitForModelReady(page);
  await messageBox(page).fill('Write a very long essay about the sea.');
  await messageBox(page).press('Enter');
  await expect(answers(page).first()).toHaveAttribute('aria-busy', 'true');
  await waitForAnswer(page);

  const samples = await page.evaluate(() => (window as unknown as { activitySamples: Sample[] }).activitySamples);
  const loading = samples.filter((sample) => sample.loading);
  const answering = samples.filter((sample) => sample.answering);
  expect(loading.length, 'the loading screen was watched').toBeGreaterThan(10);
  expect(answering.length, 'the answer was watched').toBeGreaterThan(10);
  expect([...new Set(samples.flatMap((sample) => sample.endless))], 'endless animations while loading or answering').toEqual([]);
  // The spinner still turns, in steps.
  expect(new Set(loading.map((sample) => sample.spinnerTurn)).size).toBeGreaterThan(3);
});
