import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../workers/protocol.ts';
import { backendChoices } from './backend-choices.ts';

const device = (webgpu: Partial<Capabilities['webgpu']>, wasmThreads = 4): Capabilities => ({
  webgpu: { available: true, isSoftware: false, shaderF16: true, ...webgpu },
  crossOriginIsolated: wasmThreads > 1,
  wasmThreads,
  hardwareConcurrency: 8,
});

const blurbs = (capabilities: Capabilities | null) => Object.fromEntries(backendChoices(capabilities).map((choice) => [choice.value, choice.blurb]));

describe('backendChoices', () => {
  it('says what the device offers before the worker has reported', () => {
    expect(blurbs(null)).toEqual({ auto: 'The CPU on this device (no WebGPU).', webgpu: 'Checking…', wasm: 'Works everywhere.' });
    expect(backendChoices(null).find((choice) => choice.value === 'webgpu')?.disabled).toBe(false);
  });

  it('names the WebGPU precision and a software adapter', () => {
    expect(blurbs(device({}))).toMatchObject({ auto: 'WebGPU on this device, the CPU if it fails.', webgpu: 'fp16', wasm: '4 threads' });
    expect(blurbs(device({ shaderF16: false, isSoftware: true }, 1))).toMatchObject({ webgpu: 'fp32, software adapter (slow)', wasm: '1 thread' });
  });

  it('gives the CPU the threads chosen for this device, and why', () => {
    const measured = { threads: 3, basis: 'measured' as const, reason: 'measured here', cores: 8, rates: [] };
    expect(blurbs(device({}, 8))['wasm']).toBe('8 threads');
    expect(backendChoices(device({}, 8), measured).find((choice) => choice.value === 'wasm')?.blurb).toBe('3 threads: measured here');
  });

  it('disables WebGPU where there is none, saying why', () => {
    const choices = backendChoices(device({ available: false, reason: 'No adapter.' }));
    expect(choices.find((choice) => choice.value === 'webgpu')).toMatchObject({ blurb: 'No adapter.', disabled: true });
    expect(backendChoices(device({ available: false })).find((choice) => choice.value === 'webgpu')?.blurb).toBe('Not available.');
  });
});
