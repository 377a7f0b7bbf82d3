/**
 * The model runtime in a real browser: the worker loads the generated SmolVLM-format model from
 * our origin through the same code path a Hub model takes, and runs it on WASM (project `wasm`)
 * or WebGPU on SwiftShader (project `webgpu`). Driven through the page's bridge (`window.vlm`).
 */
import type { Page } from '@playwright/test';
import { expect, test, TEST_MODEL_ID, watchConsole } from './fixtures.ts';
import type { GenerateOptions, GenerateResult, LoadResult } from '../workers/protocol.ts';

const greedy = (maxNewTokens: number, detail: GenerateOptions['detail'] = 'low'): GenerateOptions => ({
  maxNewTokens,
  sampling: { kind: 'greedy' },
  repetitionPenalty: 1,
  detail,
});

/** Defines `window.testImage(seed, w, h)` in the page: a deterministic PNG blob. */
async function installImageMaker(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { testImage: (seed: number, w: number, h: number) => Promise<Blob> }).testImage = async (seed, w, h) => {
      const canvas = new OffscreenCanvas(w, h);
      const context = canvas.getContext('2d')!;
      for (let y = 0; y < h; y += 16) {
        for (let x = 0; x < w; x += 16) {
          const v = (x * 7 + y * 13 + seed * 97) % 256;
          context.fillStyle = `rgb(${v}, ${(v * seed) % 256}, ${255 - v})`;
          context.fillRect(x, y, 16, 16);
        }
      }
      return canvas.convertToBlob({ type: 'image/png' });
    };
  });
}

async function loadTestModel(page: Page, device: 'wasm' | 'webgpu'): Promise<{ result: LoadResult; phases: string[] }> {
  return page.evaluate(
    async ({ id, device }) => {
      const phases: string[] = [];
      const result = await window.vlm.load(id, { device }, (progress) => {
        if (phases.at(-1) !== progress.phase) phases.push(progress.phase);
      });
      return { result, phases };
    },
    { id: TEST_MODEL_ID, device },
  );
}

test.describe('model runtime @webgpu', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await installImageMaker(page);
  });

  test('loads the test model on the expected backend and streams an answer about an image', async ({ page, backend }) => {
    const errors = watchConsole(page);
    const caps = await page.evaluate(() => window.vlm.capabilities());
    expect(caps.crossOriginIsolated).toBe(true);
    if (backend === 'webgpu') expect(caps.webgpu.available).toBe(true);

    const { result, phases } = await loadTestModel(page, backend);
    expect(result.device).toBe(backend);
    expect(result.dtype).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' });
    expect(result.contextLength).toBe(2048);
    expect(result.imageTokensPerFrame).toBe(64);
    expect(phases).toEqual(expect.arrayContaining(['fetching', 'warming-up', 'ready']));
    if (backend === 'wasm') expect(result.wasmThreads).toBeGreaterThanOrEqual(1);

    const run = await page.evaluate(async (options) => {
      const blob = await (window as unknown as { testImage: (s: number, w: number, h: number) => Promise<Blob> }).testImage(1, 320, 240);
      const pieces: { text: string; at: number }[] = [];
      const result = await window.vlm.generate(
        [{ role: 'user', text: 'What is in this image?', images: [{ id: 'img-1', blob }] }],
        options,
        (piece) => pieces.push({ text: piece, at: performance.now() }),
      );
      return { result, pieces };
    }, greedy(24));
    const { result: answer, pieces } = run;
    expect(answer.finishReason).toBe('length');
    expect(answer.tokenIds).toHaveLength(24);
    expect(answer.text.length).toBeGreaterThan(0);
    // Streamed: many pieces, arriving over time, adding up to the answer.
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.at(-1)!.at).toBeGreaterThan(pieces[0]!.at);
    expect(pieces.map((p) => p.text).join('').trimStart()).toBe(answer.text);
    expect(answer.timings.imageTokens).toBe(64);
    expect(answer.timings.imagesEncoded).toBe(1);
    expect(answer.timings.promptTokens).toBeGreaterThan(64);
    expect(answer.timings.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(answer.timings.decodeTokensPerSecond).toBeGreaterThan(0);
    expect(errors.filter((e) => !/onnxruntime|GPU|WebGPU/i.test(e))).toEqual([]);
  });

  test('image-token counts follow the Idefics3 processor arithmetic for each detail', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const counts = await page.evaluate(async () => {
      const make = (window as unknown as { testImage: (s: number, w: number, h: number) => Promise<Blob> }).testImage;
      const small = await make(2, 224, 224);
      const photo = await make(3, 1024, 768);
      const out: Record<string, number[]> = {};
      for (const detail of ['low', 'auto', 'high'] as const) {
        const estimate = await window.vlm.estimate(
          [{ role: 'user', text: 'Describe.', images: [{ id: 'small', blob: small }, { id: 'photo', blob: photo }] }],
          detail,
        );
        out[detail] = estimate.images.map((image) => image.tokens);
      }
      return out;
    });
    expect(counts.low).toEqual([64, 64]);
    // auto never upscales: 224 px -> 1 frame; 1024x768 -> 2x2 tiles + global.
    expect(counts.auto).toEqual([64, 5 * 64]);
    // high = processor default: 2048 px longest edge; 224 -> 4x4 + 1 = 1088 tokens; 1024x768 -> 4x3 + 1.
    expect(counts.high).toEqual([1088, 13 * 64]);
  });
});
