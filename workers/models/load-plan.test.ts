import { describe, expect, it } from 'vitest';
import { InvalidRequestError, WebGpuUnavailableError } from '../errors.ts';
import type { ModelFile } from '../protocol.ts';
import { planLoad } from './load-plan.ts';
import { modelFileUrl, modelLocation } from './model-location.ts';
import { CONFIG_FILES, CURATED_MODELS, mergeRegistry, onnxFilePath } from './registry.ts';

const hub = CURATED_MODELS.find((entry) => entry.id === 'SmolVLM-256M-Instruct')!;
const gpu = { available: true, shaderF16: true };
const noGpu = { available: false, shaderF16: false, reason: 'No adapter.' };

/** A model on this site published in one format only. */
function servedOnly(dtype: 'q8' | 'fp32') {
  const files: ModelFile[] = [
    ...CONFIG_FILES.map((path) => ({ path, size: 10 })),
    ...(['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const).map((session) => ({ path: onnxFilePath(session, dtype), size: 1000 })),
  ];
  return mergeRegistry([{ id: `served-${dtype}`, files }]).find((entry) => entry.id === `served-${dtype}`)!;
}

describe('planLoad', () => {
  it('tries WebGPU first and the CPU after it under auto, each with its formats, files and bytes', () => {
    const plan = planLoad(hub, {}, gpu);
    expect(plan.attempts.map((attempt) => attempt.device)).toEqual(['webgpu', 'wasm']);
    const [webgpu, wasm] = plan.attempts;
    expect(webgpu!.dtype).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'q4f16' });
    expect(wasm!.dtype).toEqual({ vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' });
    expect(webgpu!.files.map((file) => file.path)).toContain('onnx/decoder_model_merged_q4f16.onnx');
    expect(webgpu!.bytes).toBe(webgpu!.files.reduce((sum, file) => sum + file.size, 0));
    expect(plan.fallbackReason).toBeUndefined();
  });

  it('respects the backend chosen: the CPU means CPU files even on a WebGPU device', () => {
    const plan = planLoad(hub, { device: 'wasm' }, gpu);
    expect(plan.attempts.map((attempt) => attempt.device)).toEqual(['wasm']);
    expect(plan.attempts[0]!.files.some((file) => file.path.endsWith('_quantized.onnx'))).toBe(true);
    expect(planLoad(hub, { device: 'webgpu' }, gpu).attempts.map((attempt) => attempt.device)).toEqual(['webgpu']);
  });

  it('says why auto lands on the CPU, and refuses a WebGPU that is not there', () => {
    expect(planLoad(hub, {}, noGpu)).toMatchObject({ attempts: [{ device: 'wasm' }], fallbackReason: 'No adapter.' });
    expect(() => planLoad(hub, { device: 'webgpu' }, noGpu)).toThrow(WebGpuUnavailableError);
  });

  it('skips a WebGPU that runs none of the published formats under auto, but not when asked for', () => {
    const q8Only = servedOnly('q8');
    const plan = planLoad(q8Only, {}, gpu);
    expect(plan.attempts.map((attempt) => attempt.device)).toEqual(['wasm']);
    expect(plan.fallbackReason).toMatch(/Running on the CPU instead/);
    expect(() => planLoad(q8Only, { device: 'webgpu' }, gpu)).toThrow(InvalidRequestError);
    expect(planLoad(servedOnly('fp32'), { dtype: 'fp32' }, gpu).attempts[0]).toMatchObject({ device: 'webgpu', bytes: 6 * 10 + 3 * 1000 });
  });
});

describe('model file URLs', () => {
  it('are built once, for the store, transformers.js and the page alike', () => {
    const served = servedOnly('fp32');
    expect(modelFileUrl(served, 'onnx/decoder_model_merged.onnx', 'http://127.0.0.1:4173')).toBe('http://127.0.0.1:4173/models/served-fp32/onnx/decoder_model_merged.onnx');
    expect(modelFileUrl(hub, 'config.json', 'http://x')).toBe('https://huggingface.co/HuggingFaceTB/SmolVLM-256M-Instruct/resolve/main/config.json');
    expect(modelLocation(served, 'http://127.0.0.1:4173')).toEqual({ remoteHost: 'http://127.0.0.1:4173/models/', remotePathTemplate: '{model}/', name: 'served-fp32', revision: 'main' });
    expect(modelFileUrl({ source: { kind: 'hub', repo: 'a/b', revision: 'refs/pr/1' } }, 'x.json', 'http://x')).toBe('https://huggingface.co/a/b/resolve/refs%2Fpr%2F1/x.json');
  });
});
