import { describe, expect, it } from 'vitest';
import { planImage, SMOLVLM_GEOMETRY } from '../../workers/models/image-detail.ts';
import type { Capabilities } from '../../workers/protocol.ts';
import { DEFAULT_SETTINGS } from '../settings/index.ts';
import { detailExampleFor, imageCostFor } from './image-cost.ts';

const withWebGpu = { webgpu: { available: true, isSoftware: false, shaderF16: true }, crossOriginIsolated: true, wasmThreads: 4, hardwareConcurrency: 8 } satisfies Capabilities;
const trainedForLowAndAuto = { geometry: SMOLVLM_GEOMETRY, details: ['low', 'auto'] as const };

describe('imageCostFor', () => {
  it('prices images where the model runs, else where the chosen backend will put it', () => {
    expect(imageCostFor(null, DEFAULT_SETTINGS, undefined, withWebGpu).device).toBe('webgpu');
    expect(imageCostFor(null, DEFAULT_SETTINGS, undefined, null).device).toBe('wasm');
    // `auto` may have landed on the CPU after all: the loaded model's device wins.
    expect(imageCostFor(null, DEFAULT_SETTINGS, 'wasm', withWebGpu).device).toBe('wasm');
  });

  it('counts image tokens at the detail the model is given, not the one asked for', () => {
    const cost = imageCostFor(trainedForLowAndAuto, { ...DEFAULT_SETTINGS, detail: 'high' }, 'wasm', null);
    expect(cost.detail).toBe('auto');
    expect(cost.tokensFor({ width: 1920, height: 1080 })).toBe(planImage(1920, 1080, 'auto', 'wasm', SMOLVLM_GEOMETRY).imageTokens);
    expect(cost.tokensFor({ width: 1920, height: 1080 })).toBeLessThan(planImage(1920, 1080, 'high', 'wasm', SMOLVLM_GEOMETRY).imageTokens);
  });
});

describe('detailExampleFor', () => {
  it('uses the first attached image, else a full-HD screenshot', () => {
    expect(detailExampleFor({ width: 640, height: 480, name: 'cat.jpg' })).toEqual({ width: 640, height: 480, label: 'cat.jpg' });
    expect(detailExampleFor(undefined)).toEqual({ width: 1920, height: 1080, label: 'a full-HD screenshot' });
  });
});
