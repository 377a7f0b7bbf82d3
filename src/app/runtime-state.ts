/**
 * The model runtime as the page sees it: one discriminated union, so the UI can never be both
 * "loading" and "generating", and every transition is named. Transitions that make no sense from
 * the current state are ignored rather than half-applied.
 */
import { addSample, type ProgressSample } from '../models/progress-meter.ts';
import type { DeviceRequest, ErrorInfo, LoadProgress, LoadResult } from '../../workers/protocol.ts';

export type RuntimeState =
  | { status: 'idle' }
  | { status: 'loading-model'; modelId: string; device: DeviceRequest; progress: LoadProgress | null; samples: ProgressSample[]; startedAt: number }
  | { status: 'ready'; model: LoadResult }
  | { status: 'generating'; model: LoadResult; answerId: string; stopping: boolean }
  | { status: 'error'; modelId: string; device: DeviceRequest; error: ErrorInfo };

export type RuntimeAction =
  | { type: 'load-start'; modelId: string; device: DeviceRequest; at: number }
  | { type: 'load-progress'; progress: LoadProgress; at: number }
  | { type: 'load-done'; model: LoadResult }
  | { type: 'load-fail'; error: ErrorInfo }
  | { type: 'generate-start'; answerId: string }
  | { type: 'stop-requested' }
  | { type: 'generate-end' }
  /** The bridge replaced a crashed worker and reloaded the model, maybe elsewhere. */
  | { type: 'model-replaced'; model: LoadResult };

export const initialRuntime: RuntimeState = { status: 'idle' };

export function runtimeReducer(state: RuntimeState, action: RuntimeAction): RuntimeState {
  switch (action.type) {
    case 'load-start':
      if (state.status === 'generating') return state;
      return { status: 'loading-model', modelId: action.modelId, device: action.device, progress: null, samples: [], startedAt: action.at };
    case 'load-progress':
      if (state.status !== 'loading-model') return state;
      return {
        ...state,
        progress: action.progress,
        samples: action.progress.phase === 'fetching' ? addSample(state.samples, { at: action.at, loadedBytes: action.progress.loadedBytes }) : state.samples,
      };
    case 'load-done':
      if (state.status !== 'loading-model') return state;
      return { status: 'ready', model: action.model };
    case 'load-fail':
      if (state.status !== 'loading-model') return state;
      return { status: 'error', modelId: state.modelId, device: state.device, error: action.error };
    case 'generate-start':
      if (state.status !== 'ready') return state;
      return { status: 'generating', model: state.model, answerId: action.answerId, stopping: false };
    case 'stop-requested':
      if (state.status !== 'generating') return state;
      return { ...state, stopping: true };
    case 'generate-end':
      if (state.status !== 'generating') return state;
      return { status: 'ready', model: state.model };
    case 'model-replaced':
      if (state.status === 'generating') return { ...state, model: action.model };
      if (state.status === 'ready') return { status: 'ready', model: action.model };
      return state;
  }
}

/** The loaded model, whatever the runtime is doing with it. */
export function loadedModel(state: RuntimeState): LoadResult | null {
  return state.status === 'ready' || state.status === 'generating' ? state.model : null;
}
