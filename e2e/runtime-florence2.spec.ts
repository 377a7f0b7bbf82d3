/**
 * The Florence-2 family (encoder-decoder, tasks) in a real browser: the worker loads the
 * generated Florence-2-format model (scripts/test-model, preset florence2-tiny: the four
 * published sessions, a BART encoder-decoder with cross-attention caches) from our origin, runs
 * a task's encoder once and decodes; its greedy tokens and the regions parsed from them equal
 * stock transformers.js' Florence2Processor + generate + post_process_generation on the same files.
 * Token equality is checked on 768 px square images, which the processor does not resize: the
 * browser resizes with a canvas and Node with sharp, and their pixels differ slightly.
 */
import { expect, FLORENCE2_TEST_MODEL_ID, test, watchConsole } from './fixtures.ts';
import { nodeFlorence2Answer, nodeFlorence2Regions } from './node-reference.ts';
import { greedy, installImageMaker, loadTestModel, type WindowWithImages } from './runtime-helpers.ts';

type Boxes = { labels: string[]; bboxes: number[][] };

test.describe('Florence-2 runtime @webgpu', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await installImageMaker(page);
  });

  test('object detection: the same tokens and boxes as stock transformers.js', async ({ page, backend }) => {
    const errors = watchConsole(page);
    const { result } = await loadTestModel(page, backend, FLORENCE2_TEST_MODEL_ID);
    expect(result).toMatchObject({ device: backend, dtype: { vision_encoder: 'fp32', embed_tokens: 'fp32', encoder_model: 'fp32', decoder_model_merged: 'fp32' } });
    const answer = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(5, 768, 768);
      return window.vlm.generate([{ role: 'user', text: '<OD>', images: [{ id: 'street', blob }] }], options, () => undefined);
    }, greedy(15));
    const reference = await nodeFlorence2Answer('<OD>', 5, 768, 768, 15);
    expect(answer.tokenIds).toHaveLength(15);
    expect(answer.tokenIds).toEqual(reference.tokens);
    expect(answer.task).toBe('<OD>');
    expect(answer.timings).toMatchObject({ imagesEncoded: 1, imageTokens: 577, reusedPromptTokens: 0 });
    // Three boxes (a text token and eight location tokens, two boxes; then a text token and five
    // location tokens, one box), labelled and ordered as transformers.js parsed them, corners sorted.
    const { labels, bboxes } = reference.regions['<OD>'] as Boxes;
    expect(bboxes).toHaveLength(3);
    expect(answer.regions).toMatchObject({ task: '<OD>', imageId: 'street', width: 768, height: 768 });
    expect(answer.regions!.regions.map((region) => region.label)).toEqual(labels);
    answer.regions!.regions.forEach((region, index) => {
      const [x1, y1, x2, y2] = bboxes[index]!;
      expect(region.box).toEqual([Math.min(x1!, x2!), Math.min(y1!, y2!), Math.max(x1!, x2!), Math.max(y1!, y2!)]);
    });
    // The streamed text leaves the location tokens out.
    expect(answer.text).not.toContain('<loc_');
    expect(errors).toEqual([]);
  });

  test('a plain question becomes the closest task; boxes on a tall image are in its pixels; a second task on the same image needs no new pixels', async ({ page, backend }) => {
    await loadTestModel(page, backend, FLORENCE2_TEST_MODEL_ID);
    const outcome = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(6, 300, 900);
      const image = { id: 'tall', blob };
      const grounding = await window.vlm.generate([{ role: 'user', text: 'Find the red car', images: [image] }], options, () => undefined);
      // No KV reuse: the worker keeps the pixels (a decoder-only family drops them once they are
      // in its cache), so the next task on the image is encoded without the page sending them again.
      const kept = await window.vlm.status();
      const caption = await window.vlm.generate(
        [
          { role: 'user', text: 'Find the red car', images: [image] },
          { role: 'assistant', text: grounding.text },
          { role: 'user', text: '<CAPTION>' },
        ],
        options,
        () => undefined,
      );
      return { grounding, caption, kept };
    }, greedy(10));
    expect(outcome.grounding.task).toBe('<CAPTION_TO_PHRASE_GROUNDING>');
    expect(outcome.grounding.tokenIds).toHaveLength(10);
    // The regions are what transformers.js' post-processing makes of these very tokens, for a
    // 300 x 900 image: x scaled by 300, y by 900, corners ordered, inside the image.
    const parsed = (await nodeFlorence2Regions(outcome.grounding.tokenIds, '<CAPTION_TO_PHRASE_GROUNDING>', 300, 900))['<CAPTION_TO_PHRASE_GROUNDING>'] as Boxes;
    expect(parsed.bboxes).toHaveLength(2);
    expect(outcome.grounding.regions).toMatchObject({ width: 300, height: 900, imageId: 'tall' });
    expect(outcome.grounding.regions!.regions.map((region) => region.label)).toEqual(parsed.labels);
    outcome.grounding.regions!.regions.forEach((region, index) => {
      const [x1, y1, x2, y2] = parsed.bboxes[index]!;
      expect(region.box).toEqual([Math.min(x1!, x2!), Math.min(y1!, y2!), Math.max(x1!, x2!), Math.max(y1!, y2!)]);
      expect(region.box[2]).toBeLessThanOrEqual(300);
      expect(region.box[3]).toBeLessThanOrEqual(900);
    });
    expect(outcome.kept.imagesKept).toContain('tall');
    expect(outcome.kept.imagePixelBytes).toBeGreaterThan(0);
    expect(outcome.caption.task).toBe('<CAPTION>');
    expect(outcome.caption.regions).toBeUndefined();
    expect(outcome.caption.timings).toMatchObject({ imagesEncoded: 1, reusedPromptTokens: 0 });
    expect(outcome.caption.tokenIds).toHaveLength(10);
  });

  test('a task without an image, or a phrase task without its phrase, is refused with what to do', async ({ page, backend }) => {
    await loadTestModel(page, backend, FLORENCE2_TEST_MODEL_ID);
    const refusals = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(1, 64, 64);
      const attempt = (conversation: Parameters<typeof window.vlm.generate>[0]) =>
        window.vlm.generate(conversation, options, () => undefined).then(
          () => 'answered',
          (error: Error) => `${error.name}: ${error.message}`,
        );
      return [
        await attempt([{ role: 'user', text: '<OD>' }]),
        await attempt([{ role: 'user', text: '<CAPTION_TO_PHRASE_GROUNDING>', images: [{ id: 'x', blob }] }]),
      ];
    }, greedy(3));
    expect(refusals[0]).toMatch(/^InvalidRequestError: .* needs an image/);
    expect(refusals[1]).toMatch(/^InvalidRequestError: Find a phrase needs a phrase to find/);
  });
});
