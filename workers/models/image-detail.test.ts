import { describe, expect, it } from 'vitest';
import { expandImagePlaceholder, offeredDetail, planImage, resizeToLongestEdge, tileGrid } from './image-detail.ts';

describe('image detail arithmetic (mirrors Idefics3ImageProcessor)', () => {
  it('high = processor default: a 224 px image is upscaled to 2048 and cut into 4x4 tiles + global = 1088 tokens', () => {
    const plan = planImage(224, 224, 'high', 'wasm');
    expect(plan).toMatchObject({ longestEdge: 2048, rows: 4, cols: 4, frames: 17, imageTokens: 1088 });
  });

  it('low is one 512 px frame whatever the size', () => {
    for (const [w, h] of [[64, 64], [4000, 3000], [300, 2000]] as const) {
      expect(planImage(w, h, 'low', 'webgpu')).toMatchObject({ split: false, frames: 1, imageTokens: 64 });
    }
  });

  it('auto never upscales: a small image stays one frame', () => {
    expect(planImage(224, 224, 'auto', 'wasm')).toMatchObject({ rows: 0, cols: 0, frames: 1, imageTokens: 64 });
    expect(planImage(512, 300, 'auto', 'webgpu')).toMatchObject({ frames: 1 });
  });

  it('auto splits as far as the image resolution goes, capped per device', () => {
    // 1024x768: 2 columns; 768 rounds up to 2 rows of 512.
    expect(planImage(1024, 768, 'auto', 'wasm')).toMatchObject({ longestEdge: 1024, rows: 2, cols: 2, frames: 5 });
    // A 12 MP photo is capped at 1024 on WASM and 1536 on WebGPU.
    expect(planImage(4000, 3000, 'auto', 'wasm')).toMatchObject({ longestEdge: 1024, frames: 5, imageTokens: 320 });
    expect(planImage(4000, 3000, 'auto', 'webgpu')).toMatchObject({ longestEdge: 1536, rows: 3, cols: 3, frames: 10 });
  });

  it('keeps aspect ratio like the processor (floor after rounding to 2 decimals)', () => {
    expect(resizeToLongestEdge(640, 480, 2048)).toEqual([2048, 1536]);
    expect(resizeToLongestEdge(333, 1000, 512)).toEqual([170, 512]);
    expect(tileGrid(2048, 1536, 512)).toEqual({ rows: 3, cols: 4 });
    expect(tileGrid(512, 512, 512)).toEqual({ rows: 0, cols: 0 });
  });

  it('expands the placeholder into the token layout of Idefics3Processor', () => {
    const single = expandImagePlaceholder({ rows: 0, cols: 0 }, 2);
    expect(single).toBe('<fake_token_around_image><global-img><image><image><fake_token_around_image>');
    const grid = expandImagePlaceholder({ rows: 1, cols: 2 }, 1);
    expect(grid).toBe(
      '<fake_token_around_image><row_1_col_1><image><fake_token_around_image><row_1_col_2><image>\n' +
        '\n<fake_token_around_image><global-img><image><fake_token_around_image>',
    );
  });

  it('rejects empty images', () => {
    expect(() => planImage(0, 10, 'auto', 'wasm')).toThrow(RangeError);
  });
});

describe('offeredDetail', () => {
  it('gives a model only the details it offers: the nearest below, else its lowest', () => {
    expect(offeredDetail('high', undefined)).toBe('high');
    expect(offeredDetail('high', ['low', 'auto'])).toBe('auto');
    expect(offeredDetail('auto', ['low', 'auto'])).toBe('auto');
    expect(offeredDetail('auto', ['low'])).toBe('low');
    expect(offeredDetail('low', ['auto', 'high'])).toBe('auto');
  });
});
