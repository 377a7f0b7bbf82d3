/** The widget's one-line status: where the model runs, and why it may be slow. Pure. */
import type { EmbedSnapshot } from './controller.ts';

export interface StatusLine {
  text: string;
  tone: 'info' | 'warn' | 'error';
  /** `webgpu`, `wasm-<threads>`, or null before the model is ready (a data attribute for tests). */
  backend: string | null;
}

export function statusLine(state: Pick<EmbedSnapshot, 'access' | 'model' | 'crossOriginIsolated'>): StatusLine {
  if (state.access.kind === 'refused') return { text: `This chat is not enabled on ${state.access.origin}.`, tone: 'error', backend: null };
  if (state.access.kind === 'waiting') return { text: 'Connecting to the page…', tone: 'info', backend: null };
  const { model } = state;
  switch (model.kind) {
    case 'idle':
      return { text: 'Runs on your device; nothing is uploaded. The model downloads at the first question.', tone: 'info', backend: null };
    case 'loading': {
      const progress = model.progress;
      const percent = progress && progress.totalBytes > 0 ? ` ${Math.floor((100 * progress.loadedBytes) / progress.totalBytes)}%` : '';
      return { text: `${progress?.message ?? 'Preparing the model'}${percent}`, tone: 'info', backend: null };
    }
    case 'failed':
      return { text: `The model could not load: ${model.error.message}`, tone: 'error', backend: null };
    case 'ready': {
      const { device, wasmThreads } = model.result;
      if (device === 'webgpu') return { text: 'On your device · WebGPU', tone: 'info', backend: 'webgpu' };
      const threads = `${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`;
      const backend = `wasm-${wasmThreads}`;
      if (!state.crossOriginIsolated) {
        return { text: `On your device · WASM, ${threads}: this page is not cross-origin isolated, so answers are slower.`, tone: 'warn', backend };
      }
      return { text: `On your device · WASM, ${threads}`, tone: 'info', backend };
    }
  }
}
