import { describe, expect, it } from 'vitest';
import type { LoadProgress, LoadResult } from '../../workers/protocol.ts';
import { initialRuntime, loadedModel, runtimeReducer, type RuntimeAction, type RuntimeState } from './runtime-state.ts';

const model = { modelId: 'm', device: 'wasm', wasmThreads: 2 } as LoadResult;
const progress = (loadedBytes: number): LoadProgress => ({ phase: 'fetching', message: 'Downloading', files: [], loadedBytes, totalBytes: 100 });
const run = (state: RuntimeState, ...actions: RuntimeAction[]) => actions.reduce(runtimeReducer, state);

describe('runtimeReducer', () => {
  it('goes idle -> loading -> ready -> generating -> ready', () => {
    let state = run(initialRuntime, { type: 'load-start', modelId: 'm', device: 'auto', at: 0 });
    expect(state.status).toBe('loading-model');
    state = run(state, { type: 'load-progress', progress: progress(10), at: 0 }, { type: 'load-progress', progress: progress(60), at: 1000 });
    expect(state).toMatchObject({ status: 'loading-model', progress: { loadedBytes: 60 }, samples: [{ loadedBytes: 10 }, { loadedBytes: 60 }] });
    state = run(state, { type: 'load-done', model });
    expect(loadedModel(state)).toBe(model);
    state = run(state, { type: 'generate-start', answerId: 'a' }, { type: 'stop-requested' });
    expect(state).toMatchObject({ status: 'generating', answerId: 'a', stopping: true });
    expect(run(state, { type: 'generate-end' })).toEqual({ status: 'ready', model });
  });

  it('keeps a load failure with what was asked for', () => {
    const state = run(initialRuntime, { type: 'load-start', modelId: 'm', device: 'webgpu', at: 0 }, { type: 'load-fail', error: { name: 'WebGpuUnavailableError', message: 'no' } });
    expect(state).toEqual({ status: 'error', modelId: 'm', device: 'webgpu', error: { name: 'WebGpuUnavailableError', message: 'no' } });
  });

  it('ignores transitions that make no sense now', () => {
    expect(run(initialRuntime, { type: 'generate-start', answerId: 'a' })).toBe(initialRuntime);
    expect(run(initialRuntime, { type: 'load-done', model })).toBe(initialRuntime);
    const generating = run(initialRuntime, { type: 'load-start', modelId: 'm', device: 'auto', at: 0 }, { type: 'load-done', model }, { type: 'generate-start', answerId: 'a' });
    expect(run(generating, { type: 'load-start', modelId: 'x', device: 'auto', at: 1 })).toBe(generating);
    const replaced = { ...model, device: 'webgpu' as const };
    expect(run(generating, { type: 'model-replaced', model: replaced })).toMatchObject({ status: 'generating', model: replaced });
  });
});
