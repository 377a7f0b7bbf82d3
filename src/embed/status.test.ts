import { describe, expect, it } from 'vitest';
import type { LoadProgress, LoadResult } from '../../workers/protocol.ts';
import { statusLine } from './status.ts';

const loaded = (device: 'webgpu' | 'wasm', wasmThreads: number) =>
  ({ kind: 'ready', modelId: 'm', result: { device, wasmThreads } as LoadResult }) as const;
const open = { kind: 'open', hostOrigin: 'https://shop.example' } as const;

describe('statusLine', () => {
  it('says when WASM runs on one thread because the page is not cross-origin isolated', () => {
    expect(statusLine({ access: open, model: loaded('wasm', 1), crossOriginIsolated: false })).toEqual({
      text: 'On your device · WASM, 1 thread: this page is not cross-origin isolated, so answers are slower.',
      tone: 'warn',
      backend: 'wasm-1',
    });
    expect(statusLine({ access: open, model: loaded('wasm', 4), crossOriginIsolated: true })).toEqual({ text: 'On your device · WASM, 4 threads', tone: 'info', backend: 'wasm-4' });
    expect(statusLine({ access: open, model: loaded('webgpu', 1), crossOriginIsolated: false }).backend).toBe('webgpu');
  });

  it('reports loading, failures and refusals', () => {
    const progress: LoadProgress = { phase: 'fetching', message: 'Downloading decoder_model_merged.onnx', files: [], loadedBytes: 25, totalBytes: 100 };
    expect(statusLine({ access: open, model: { kind: 'loading', modelId: 'm', progress }, crossOriginIsolated: true }).text).toBe('Downloading decoder_model_merged.onnx 25%');
    expect(statusLine({ access: open, model: { kind: 'failed', modelId: 'm', error: { name: 'ModelLoadError', message: 'Offline.', modelId: 'm' } }, crossOriginIsolated: true }).tone).toBe('error');
    expect(statusLine({ access: { kind: 'refused', origin: 'https://evil.example' }, model: { kind: 'idle', modelId: 'm' }, crossOriginIsolated: true }).text).toBe(
      'This chat is not enabled on https://evil.example.',
    );
  });
});
