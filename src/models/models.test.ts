import { describe, expect, it } from 'vitest';
import { CURATED_MODELS, mergeRegistry } from '../../workers/models/registry.ts';
import type { Capabilities } from '../../workers/protocol.ts';
import { backendLabel, downloadPlan, predictDevice, resolveStartModel } from './catalog.ts';
import { addSample, timeLeftMs, transferRate } from './progress-meter.ts';

const smol256 = CURATED_MODELS.find((entry) => entry.id === 'SmolVLM-256M-Instruct')!;

const testModel = mergeRegistry([
  {
    id: 'SmolVLM-test-tiny',
    files: [
      { path: 'config.json', size: 100 },
      { path: 'tokenizer.json', size: 200 },
      { path: 'onnx/vision_encoder.onnx', size: 1000 },
      { path: 'onnx/embed_tokens.onnx', size: 2000 },
      { path: 'onnx/decoder_model_merged.onnx', size: 4000 },
    ],
  },
]).find((entry) => entry.id === 'SmolVLM-test-tiny')!;

const capabilitiesWith = (webgpu: Partial<Capabilities['webgpu']>) =>
  ({ webgpu: { available: true, isSoftware: false, shaderF16: true, ...webgpu }, crossOriginIsolated: true, wasmThreads: 4, hardwareConcurrency: 4 }) as Capabilities;

describe('catalog', () => {
  it('sizes a download for the backend chosen, as the worker plans it', () => {
    expect(downloadPlan(testModel, 'wasm', null)).toMatchObject({ device: 'wasm', bytes: 7300, dtype: { decoder_model_merged: 'fp32' } });
    const hub = smol256;
    const gpu = downloadPlan(hub, 'auto', capabilitiesWith({}))!;
    const cpu = downloadPlan(hub, 'wasm', capabilitiesWith({}))!;
    expect(gpu).toMatchObject({ device: 'webgpu', dtype: { decoder_model_merged: 'q4f16' } });
    expect(cpu).toMatchObject({ device: 'wasm', dtype: { decoder_model_merged: 'q8' } });
    expect(gpu.bytes).not.toBe(cpu.bytes);
    expect(gpu.files.every((file) => hub.files.includes(file))).toBe(true);
    // Without WebGPU, auto is the CPU; asking for WebGPU there plans nothing.
    expect(downloadPlan(hub, 'auto', capabilitiesWith({ available: false, shaderF16: false }))!.device).toBe('wasm');
    expect(downloadPlan(hub, 'webgpu', capabilitiesWith({ available: false, shaderF16: false }))).toBeNull();
  });

  it('predicts the device and labels the backend', () => {
    const caps = (available: boolean) => ({ webgpu: { available, isSoftware: false, shaderF16: false } }) as Capabilities;
    expect(predictDevice('auto', caps(true))).toBe('webgpu');
    expect(predictDevice('auto', caps(false))).toBe('wasm');
    expect(predictDevice('wasm', caps(true))).toBe('wasm');
    const fp32 = { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' } as const;
    expect(backendLabel({ device: 'webgpu', dtype: { ...fp32, decoder_model_merged: 'q4f16' }, wasmThreads: 1 })).toBe('WebGPU fp16');
    expect(backendLabel({ device: 'webgpu', dtype: fp32, wasmThreads: 1 })).toBe('WebGPU fp32');
    expect(backendLabel({ device: 'wasm', dtype: fp32, wasmThreads: 2 })).toBe('CPU · WASM · 2 threads');
  });
});

describe('resolveStartModel', () => {
  const models = [...CURATED_MODELS, testModel];
  it('takes a known ?model=, else the last choice, else the default', () => {
    expect(resolveStartModel(models, 'SmolVLM-test-tiny', 'SmolVLM-500M-Instruct')).toEqual({ id: 'SmolVLM-test-tiny' });
    expect(resolveStartModel(models, null, 'SmolVLM-500M-Instruct')).toEqual({ id: 'SmolVLM-500M-Instruct' });
    expect(resolveStartModel(models, null, 'gone')).toEqual({ id: 'SmolVLM-256M-Instruct' });
  });

  it('names an unknown ?model= and falls back to the default', () => {
    expect(resolveStartModel(models, 'NoSuchModel', 'SmolVLM-test-tiny')).toEqual({ id: 'SmolVLM-256M-Instruct', unknownUrlModel: 'NoSuchModel' });
  });
});

describe('progress meter', () => {
  it('measures rate over a sliding window and estimates time left', () => {
    let samples = addSample([], { at: 0, loadedBytes: 0 });
    samples = addSample(samples, { at: 1000, loadedBytes: 1_000_000 });
    expect(transferRate(samples)).toBe(1_000_000);
    samples = addSample(samples, { at: 2000, loadedBytes: 3_000_000 });
    for (let t = 3000; t <= 10_000; t += 1000) samples = addSample(samples, { at: t, loadedBytes: 3_000_000 + (t - 2000) * 500 });
    // Only the last ~4 s count: 500 KB/s, not the early 1.5 MB/s.
    expect(transferRate(samples)).toBeCloseTo(500_000, -3);
    expect(timeLeftMs(7_000_000, 8_000_000, 500_000)).toBe(2000);
    expect(timeLeftMs(1, 0, 10)).toBeNull();
    expect(transferRate([{ at: 0, loadedBytes: 0 }])).toBe(0);
  });
});
