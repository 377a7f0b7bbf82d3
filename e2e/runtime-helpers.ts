/** Helpers for driving the model runtime through `window.vlm` in the built app. */
import type { Page } from '@playwright/test';
import type { GenerateOptions, LoadResult } from '../workers/protocol.ts';
import { TEST_MODEL_ID } from './fixtures.ts';

export const greedy = (maxNewTokens: number, detail: GenerateOptions['detail'] = 'low'): GenerateOptions => ({
  maxNewTokens,
  sampling: { kind: 'greedy' },
  repetitionPenalty: 1,
  detail,
});

/** Deterministic RGBA pixels, the same in the browser and in Node. */
export function patternPixels(seed: number, width: number, height: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const cell = ((x >> 4) * 7 + (y >> 4) * 13 + seed * 97) % 256;
      data[i] = cell;
      data[i + 1] = (cell * (seed + 3)) % 256;
      data[i + 2] = 255 - cell;
      data[i + 3] = 255;
    }
  }
  return data;
}

/**
 * Defines `window.testImage(seed, w, h)` in the page: a PNG Blob of `patternPixels` (PNG is
 * lossless, so the worker decodes exactly these pixels).
 */
export async function installImageMaker(page: Page): Promise<void> {
  await page.evaluate((source) => {
    const pattern = new Function(`return ${source}`)() as (seed: number, w: number, h: number) => Uint8ClampedArray;
    (window as unknown as { testImage: (seed: number, w: number, h: number) => Promise<Blob> }).testImage = async (seed, w, h) => {
      const canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d')!.putImageData(new ImageData(pattern(seed, w, h) as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
      return canvas.convertToBlob({ type: 'image/png' });
    };
  }, patternPixels.toString());
}

export type WindowWithImages = Window & { testImage: (seed: number, w: number, h: number) => Promise<Blob> };

export async function loadTestModel(page: Page, device: 'auto' | 'wasm' | 'webgpu', id = TEST_MODEL_ID): Promise<{ result: LoadResult; phases: string[] }> {
  return page.evaluate(
    async ({ id, device }) => {
      const phases: string[] = [];
      const result = await window.vlm.load(id, { device }, (progress) => {
        if (phases.at(-1) !== progress.phase) phases.push(progress.phase);
      });
      return { result, phases };
    },
    { id, device },
  );
}
