import { describe, expect, it } from 'vitest';
import { CURATED_MODELS } from '../../workers/models/registry.ts';
import { downloadStatus } from './storage.ts';

const webgpu = { available: true, isSoftware: false, shaderF16: true };

describe('downloadStatus', () => {
  it('counts the files of the backend the person chose, not the best one the device has', async () => {
    const model = CURATED_MODELS.find((entry) => entry.id === 'SmolVLM-256M-Instruct')!;
    const onCpu = await downloadStatus(model, { device: 'wasm' }, { webgpu });
    const onGpu = await downloadStatus(model, { device: 'auto' }, { webgpu });
    expect(onCpu.files.map((file) => file.path)).toContain('onnx/decoder_model_merged_quantized.onnx');
    expect(onCpu.files.some((file) => /_fp16|_q4f16/.test(file.path))).toBe(false);
    expect(onGpu.files.map((file) => file.path)).toContain('onnx/decoder_model_merged_q4f16.onnx');
    // Nothing is stored here (no Cache Storage in Node): all of it is missing.
    expect(onCpu.missingBytes).toBe(onCpu.bytes);
    expect(onCpu.bytes).not.toBe(onGpu.bytes);
  });
});
