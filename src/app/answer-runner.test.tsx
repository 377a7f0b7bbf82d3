// @vitest-environment jsdom
/**
 * The answer runner with a scripted bridge and model: whatever happens (a stop while the model
 * loads, a load that fails, a worker error, a thrown call), each run dispatches exactly one
 * terminal action for its answer and the page stops being busy. Under the `auto` backend, invalid
 * numbers from the GPU make it answer again on the CPU.
 */
import { act, useLayoutEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageTurn } from '../bridge/index.ts';
import type { ConversationAction } from '../chat/conversation.ts';
import { DEFAULT_SETTINGS, type Settings } from '../settings/index.ts';
import { zeroTimings, type GenerateResult, type LoadResult } from '../../workers/protocol.ts';
import type { RuntimeAction } from './runtime-state.ts';
import { useAnswerRunner, type AnswerRunner, type AnswerRunnerDeps } from './useAnswerRunner.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const loaded = { modelId: 'SmolVLM-test-tiny', device: 'wasm' } as LoadResult;
const result = (patch: Partial<GenerateResult>): GenerateResult => ({ text: 'Hello', finishReason: 'eos', timings: { ...zeroTimings(), newTokens: 2 }, tokenIds: [1, 2], ...patch });

let root: Root;
let runner: AnswerRunner;
let chat: ConversationAction[];
let runtime: RuntimeAction[];
let deps: AnswerRunnerDeps;

function Probe() {
  const state = useAnswerRunner(deps);
  useLayoutEffect(() => {
    runner = state;
  });
  return null;
}

/** Makes the model load and the generate call controllable. */
function script({
  ensureModel = async () => loaded,
  generate,
  backend = DEFAULT_SETTINGS.backend,
}: {
  ensureModel?: () => Promise<LoadResult>;
  generate: AnswerRunnerDeps['bridge']['generate'];
  backend?: Settings['backend'];
}) {
  const settingsRef = { current: { ...DEFAULT_SETTINGS, backend } };
  deps = {
    bridge: { generate: vi.fn(generate) },
    ensureModel: vi.fn(ensureModel),
    settingsRef,
    busyRef: { current: false },
    dispatchChat: (action) => chat.push(action),
    dispatchRuntime: (action) => runtime.push(action),
    // As the controller does: the backend setting becomes the CPU.
    fallBackToCpu: vi.fn(() => {
      settingsRef.current = { ...settingsRef.current, backend: 'wasm' };
    }),
  };
  act(() => root.render(<Probe />));
}

/** Starts an answer and waits for it to end. */
async function answer(turns: PageTurn[] = [{ role: 'user', text: 'Hi', images: [] }], options?: { keptText: string }) {
  act(() => runner.start(turns, 'answer-1', options));
  expect([runner.activeAnswerId, deps.busyRef.current, runner.isRunning()]).toEqual(['answer-1', true, true]);
  await act(async () => {
    for (let turn = 0; turn < 20 && runner.activeAnswerId !== null; turn++) await new Promise((resolve) => setTimeout(resolve));
  });
  expect([runner.activeAnswerId, deps.busyRef.current, runner.isRunning()]).toEqual([null, false, false]);
}

const terminal = () => chat.filter((action) => action.type === 'answer-finish' || action.type === 'answer-fail');

beforeEach(() => {
  chat = [];
  runtime = [];
  root = createRoot(document.createElement('div'));
});
afterEach(() => act(() => root.unmount()));

describe('useAnswerRunner', () => {
  it('streams the answer and finishes it with its stats', async () => {
    script({
      generate: async (_turns, options, onToken) => {
        expect(options.maxNewTokens).toBe(DEFAULT_SETTINGS.maxNewTokens);
        onToken('Hel', 1);
        onToken('lo', 2);
        return result({});
      },
    });
    await answer();
    expect(chat).toEqual([
      { type: 'answer-delta', answerId: 'answer-1', text: 'Hello' },
      expect.objectContaining({ type: 'answer-finish', answerId: 'answer-1', text: 'Hello', status: 'done', finishReason: 'eos', stats: expect.objectContaining({ newTokens: 2, device: 'wasm' }) }),
    ]);
    expect(runtime).toEqual([{ type: 'generate-start', answerId: 'answer-1' }, { type: 'generate-end' }]);
  });

  it('never starts an answer stopped while the model loads', async () => {
    let finishLoad = (_result: LoadResult) => {};
    const load = new Promise<LoadResult>((resolve) => (finishLoad = resolve));
    script({ ensureModel: () => load, generate: async () => result({}) });
    act(() => runner.start([{ role: 'user', text: 'Hi', images: [] }], 'answer-1'));
    const settled = runner.settle();
    expect(runtime).toEqual([{ type: 'stop-requested' }]);
    await act(async () => {
      finishLoad(loaded);
      await settled;
    });
    expect(deps.bridge.generate).not.toHaveBeenCalled();
    expect(chat).toEqual([{ type: 'answer-finish', answerId: 'answer-1', text: '', status: 'stopped', finishReason: 'stopped' }]);
    expect(runner.activeAnswerId).toBeNull();
  });

  it('appends a continuation to the text kept, also when it is stopped before it starts', async () => {
    const continuation: PageTurn[] = [
      { role: 'user', text: 'Describe the sea' },
      { role: 'assistant', text: 'The sea is', unfinished: true },
    ];
    script({
      generate: async (turns, _options, onToken) => {
        expect(turns).toEqual(continuation);
        onToken(' blue', 1);
        return result({ text: ' blue', finishReason: 'length' });
      },
    });
    await answer(continuation, { keptText: 'The sea is' });
    expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-finish', text: 'The sea is blue', status: 'done', finishReason: 'length' })]);

    chat = [];
    script({ generate: async () => result({}) });
    act(() => runner.start(continuation, 'answer-1', { keptText: 'The sea is' }));
    await act(() => runner.settle());
    expect(chat).toEqual([{ type: 'answer-finish', answerId: 'answer-1', text: 'The sea is', status: 'stopped', finishReason: 'stopped' }]);
  });

  it('fails the answer once when the model does not load, the worker reports an error, or the call throws', async () => {
    script({ ensureModel: async () => Promise.reject(new Error('No network.')), generate: async () => result({}) });
    await answer();
    expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-fail', error: expect.objectContaining({ message: 'No network.' }) })]);
    expect(runtime).toEqual([]);

    chat = [];
    script({ generate: async () => result({ text: 'Hal', finishReason: 'error', error: { name: 'GpuDeviceLostError', message: 'Lost.' } }) });
    await answer();
    expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-fail', text: 'Hal', failedOn: 'wasm', error: { name: 'GpuDeviceLostError', message: 'Lost.' } })]);

    chat = [];
    runtime = [];
    script({ generate: async () => Promise.reject(new Error('Worker gone.')) });
    await answer();
    expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-fail', failedOn: 'wasm', error: expect.objectContaining({ message: 'Worker gone.' }) })]);
    expect(runtime).toEqual([{ type: 'generate-start', answerId: 'answer-1' }, { type: 'generate-end' }]);

    // Text streamed just before the worker went, not drawn yet (drawing waits up to 100 ms), is kept.
    chat = [];
    script({
      generate: async (_turns, _options, onToken) => {
        onToken('Half an ans', 3);
        throw new Error('Worker gone.');
      },
    });
    await answer();
    expect(chat.map((action) => action.type)).toEqual(expect.arrayContaining(['answer-delta', 'answer-fail']));
    expect(chat.flatMap((action) => (action.type === 'answer-delta' ? [action.text] : [])).join('')).toBe('Half an ans');
  });

  describe('invalid numbers from the GPU (InvalidLogitsError)', () => {
    const invalidLogits = { name: 'InvalidLogitsError', message: 'NaN logits.', device: 'webgpu', dtype: 'fp16' } as const;
    /** The model loads on the backend the settings say (auto picks the GPU); on the GPU it computes NaN after a word. */
    function scriptGpuNaN(backend: Settings['backend']) {
      script({
        backend,
        ensureModel: async () => ({ ...loaded, device: deps.settingsRef.current.backend === 'wasm' ? 'wasm' : 'webgpu' }),
        generate: async (_turns, _options, onToken) => {
          if (deps.settingsRef.current.backend !== 'wasm') {
            onToken('Hal', 1);
            return result({ text: 'Hal', finishReason: 'error', error: invalidLogits });
          }
          onToken('Hello', 1);
          return result({});
        },
      });
    }

    it('under auto, reloads on the CPU and answers again there, once, saying why', async () => {
      scriptGpuNaN('auto');
      await answer();
      expect(deps.fallBackToCpu).toHaveBeenCalledExactlyOnceWith(invalidLogits);
      expect(deps.ensureModel).toHaveBeenCalledTimes(2);
      expect(deps.bridge.generate).toHaveBeenCalledTimes(2);
      expect(chat).toEqual([
        { type: 'answer-delta', answerId: 'answer-1', text: 'Hal' },
        // The GPU's text is dropped: the answer starts over.
        { type: 'answer-restart', answerId: 'answer-1', text: '' },
        { type: 'answer-delta', answerId: 'answer-1', text: 'Hello' },
        expect.objectContaining({ type: 'answer-finish', text: 'Hello', status: 'done', stats: expect.objectContaining({ device: 'wasm' }) }),
      ]);
      expect(runtime).toEqual([{ type: 'generate-start', answerId: 'answer-1' }, { type: 'generate-end' }, { type: 'generate-start', answerId: 'answer-1' }, { type: 'generate-end' }]);
    });

    it('with the GPU chosen by the person, fails the answer and leaves the choice (Run on CPU) to them', async () => {
      scriptGpuNaN('webgpu');
      await answer();
      expect(deps.fallBackToCpu).not.toHaveBeenCalled();
      expect(deps.bridge.generate).toHaveBeenCalledTimes(1);
      expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-fail', text: 'Hal', failedOn: 'webgpu', error: invalidLogits })]);
    });

    it('tries the CPU once: invalid numbers there too fail the answer', async () => {
      script({
        backend: 'auto',
        ensureModel: async () => ({ ...loaded, device: deps.settingsRef.current.backend === 'wasm' ? 'wasm' : 'webgpu' }),
        generate: async () => result({ text: '', finishReason: 'error', error: { ...invalidLogits, device: deps.settingsRef.current.backend === 'wasm' ? 'wasm' : 'webgpu' } }),
      });
      await answer();
      expect(deps.bridge.generate).toHaveBeenCalledTimes(2);
      expect(terminal()).toEqual([expect.objectContaining({ type: 'answer-fail', failedOn: 'wasm', error: expect.objectContaining({ name: 'InvalidLogitsError' }) })]);
    });
  });
});
