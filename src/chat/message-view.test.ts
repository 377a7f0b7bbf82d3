import { describe, expect, it } from 'vitest';
import { failureHeadline } from './MessageView.tsx';

describe('failureHeadline', () => {
  it('says the model could not load for every load failure, not only ModelLoadError', () => {
    const file = { modelId: 'm', file: 'onnx/decoder_model_merged.onnx' };
    expect(failureHeadline({ name: 'ModelLoadError', message: 'x', modelId: 'm' })).toBe('The model could not load.');
    expect(failureHeadline({ name: 'StorageQuotaError', message: 'x', ...file, bytesNeeded: 10, bytesFree: 0 })).toBe('The model could not load.');
    expect(failureHeadline({ name: 'ModelDownloadError', message: 'x', ...file, offline: true })).toBe('The model could not load.');
    expect(failureHeadline({ name: 'ModelFileIntegrityError', message: 'x', ...file, attempts: 2 })).toBe('The model could not load.');
  });

  it('says invalid numbers for NaN logits (fp16 on some GPUs), not a generic failure', () => {
    expect(failureHeadline({ name: 'InvalidLogitsError', message: 'x', device: 'webgpu', dtype: 'fp16' })).toBe('The model computed invalid numbers.');
  });

  it('says the answer failed otherwise', () => {
    expect(failureHeadline({ name: 'GpuDeviceLostError', message: 'lost' })).toBe('The answer failed.');
    expect(failureHeadline({ name: 'Error', message: 'x' })).toBe('The answer failed.');
    expect(failureHeadline(undefined)).toBe('The answer failed.');
  });
});
