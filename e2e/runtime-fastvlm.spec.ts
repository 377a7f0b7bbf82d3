/**
 * The FastVLM family in a real browser: the worker loads the generated FastVLM-format model
 * (scripts/test-model, preset fastvlm-tiny) from our origin through the same code path as a Hub
 * model, and its greedy tokens equal stock transformers.js' own LlavaProcessor + generate on the
 * same files (onnxruntime-node). Runs on WASM (project `wasm`) and WebGPU on SwiftShader (`webgpu`).
 */
import { expect, FASTVLM_TEST_MODEL_ID, test, watchConsole } from './fixtures.ts';
import { nodeFastVlmGreedyTokens } from './node-reference.ts';
import { greedy, installImageMaker, loadTestModel, type WindowWithImages } from './runtime-helpers.ts';

test.describe('FastVLM runtime @webgpu', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await installImageMaker(page);
  });

  // A 1024 px square image, which the processor does not resize: the browser resizes with a
  // canvas and Node with sharp, whose pixels differ slightly (near-ties in random logits flip).
  test('greedy tokens equal stock transformers.js on the same files, streamed, one 256-token frame', async ({ page, backend }) => {
    const errors = watchConsole(page);
    const { result } = await loadTestModel(page, backend, FASTVLM_TEST_MODEL_ID);
    expect(result).toMatchObject({ modelId: FASTVLM_TEST_MODEL_ID, device: backend, imageTokensPerFrame: 256, contextLength: 2048 });
    const { answer, pieces } = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(3, 1024, 1024);
      const pieces: string[] = [];
      const answer = await window.vlm.generate([{ role: 'user', text: 'What is in this image?', images: [{ id: 'square', blob }] }], options, (piece) => pieces.push(piece));
      return { answer, pieces };
    }, greedy(16, 'high'));
    expect(answer.finishReason).toBe('length');
    expect(answer.timings).toMatchObject({ imageTokens: 256, imagesEncoded: 1, newTokens: 16 });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('').trimStart()).toBe(answer.text);
    const reference = await nodeFastVlmGreedyTokens('What is in this image?', 3, 1024, 1024, 16);
    expect(answer.tokenIds).toHaveLength(16);
    expect(answer.tokenIds).toEqual(reference);
    expect(errors).toEqual([]);
  });

  test('a follow-up reuses the KV cache (no re-encoding) and gives the same tokens as a fresh prefill', async ({ page, backend }) => {
    await loadTestModel(page, backend, FASTVLM_TEST_MODEL_ID);
    const outcome = await page.evaluate(async (options) => {
      // Non-square: resized on its short side and centre-cropped to one 1024 px frame.
      const blob = await (window as unknown as WindowWithImages).testImage(4, 640, 480);
      const image = { id: 'photo', blob };
      const first = await window.vlm.generate([{ role: 'user', text: 'What is this?', images: [image] }], options, () => undefined);
      const followUp = [
        { role: 'user' as const, text: 'What is this?', images: [image] },
        { role: 'assistant' as const, text: first.text },
        { role: 'user' as const, text: 'What colour is it?' },
      ];
      const withReuse = await window.vlm.generate(followUp, options, () => undefined);
      await window.vlm.reset();
      const withoutReuse = await window.vlm.generate(followUp, options, () => undefined);
      return { first, withReuse, withoutReuse };
    }, greedy(12));
    expect(outcome.withReuse.timings.reusedPromptTokens).toBeGreaterThanOrEqual(outcome.first.timings.promptTokens);
    expect(outcome.withReuse.timings.imagesEncoded).toBe(0);
    // The image's features outlive the reset (kept by content): only the prefill runs anew.
    expect(outcome.withoutReuse.timings).toMatchObject({ reusedPromptTokens: 0, imagesEncoded: 0 });
    expect(outcome.withReuse.tokenIds).toHaveLength(12);
    expect(outcome.withReuse.tokenIds).toEqual(outcome.withoutReuse.tokenIds);
  });

  test('two images in one message are refused with the limit; the runtime still answers', async ({ page, backend }) => {
    await loadTestModel(page, backend, FASTVLM_TEST_MODEL_ID);
    const outcome = await page.evaluate(async (options) => {
      const make = (window as unknown as WindowWithImages).testImage;
      const images = [
        { id: 'one', blob: await make(1, 64, 64) },
        { id: 'two', blob: await make(2, 64, 64) },
      ];
      const refused = await window.vlm.generate([{ role: 'user', text: 'Compare.', images }], options, () => undefined).then(
        () => null,
        (error: Error & { facts?: unknown }) => ({ name: error.name, message: error.message, facts: error.facts }),
      );
      const after = await window.vlm.generate([{ role: 'user', text: 'Hello?' }], options, () => undefined);
      return { refused, after: after.finishReason };
    }, greedy(3));
    expect(outcome.refused).toMatchObject({ name: 'TooManyImagesError', facts: { images: 2, maxImages: 1 } });
    expect(outcome.refused!.message).toMatch(/at most 1 image for .*; this one has 2/);
    expect(outcome.after).toBe('length');
  });
});
