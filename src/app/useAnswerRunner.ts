/**
 * The one answer produced at a time, from waiting for the model to the last token. Tokens reach the
 * chat once per animation frame, and every run ends in exactly one terminal dispatch (finish or
 * fail), so the UI can never hang in "generating". Under the `auto` backend, an answer the GPU
 * computed invalid numbers for (NaN or infinite logits, InvalidLogitsError) is answered again on
 * the CPU: the model reloads on WASM, and the person is told why.
 */
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { PageTurn, VlmBridge } from '../bridge/index.ts';
import type { AnswerStats, ConversationAction } from '../chat/conversation.ts';
import { streamedTextBatcher } from '../lib/frame-batcher.ts';
import { generateOptionsFor, type Settings } from '../settings/index.ts';
import type { ErrorInfo, GenerationTimings, LoadResult } from '../../workers/protocol.ts';
import { describeError } from '../../workers/errors.ts';
import type { RuntimeAction } from './runtime-state.ts';

function statsFrom(timings: GenerationTimings, device: LoadResult['device']): AnswerStats {
  const { timeToFirstTokenMs, decodeTokensPerSecond, promptTokens, imageTokens, reusedPromptTokens, newTokens, totalMs, imagesEncoded, preparedTokens, preparedAheadMs } = timings;
  return { timeToFirstTokenMs, decodeTokensPerSecond, promptTokens, imageTokens, reusedPromptTokens, newTokens, totalMs, imagesEncoded, preparedTokens, preparedAheadMs, device };
}

interface AnswerRun {
  answerId: string;
  promise: Promise<void>;
  /** Stop aborts it: while the model loads the answer never starts, later the worker stops it. */
  abort: AbortController;
}

export interface AnswerRunnerDeps {
  bridge: Pick<VlmBridge, 'generate'>;
  /** The selected model on the chosen backend, loading it first if needed. */
  ensureModel: () => Promise<LoadResult>;
  /** Read when the answer starts, so a setting changed a moment before applies. */
  settingsRef: RefObject<Settings>;
  /** Kept true while a run is in progress, for the model runtime (a backend change waits for it). */
  busyRef: RefObject<boolean>;
  dispatchChat: (action: ConversationAction) => void;
  dispatchRuntime: (action: RuntimeAction) => void;
  /**
   * Switches the backend to the CPU (WASM) for this answer and the next ones, saying why, before
   * the answer is produced again there. Called only under the `auto` backend.
   */
  fallBackToCpu: (reason: ErrorInfo) => void;
}

/** Whether an answer that failed this way is answered again on the CPU without asking: invalid numbers from the GPU, under `auto`. */
function retriesOnCpu(error: ErrorInfo, device: LoadResult['device'], backend: Settings['backend']): boolean {
  return error.name === 'InvalidLogitsError' && device === 'webgpu' && backend === 'auto';
}

export interface AnswerRunner {
  /** The answer being produced, or null. */
  activeAnswerId: string | null;
  /** Whether a run is in progress right now (for callbacks; render reads `activeAnswerId`). */
  isRunning: () => boolean;
  /**
   * Answers `turns` into the (pending) assistant message `answerId`. When it continues that
   * answer, `keptText` is its text so far: the new text is appended to it.
   */
  start: (turns: PageTurn[], answerId: string, options?: { keptText?: string }) => void;
  stop: () => void;
  /** Stops whatever runs and waits for it to settle. */
  settle: () => Promise<void>;
}

export function useAnswerRunner({ bridge, ensureModel, settingsRef, busyRef, dispatchChat, dispatchRuntime, fallBackToCpu }: AnswerRunnerDeps): AnswerRunner {
  const [activeAnswerId, setActiveAnswerId] = useState<string | null>(null);
  const runRef = useRef<AnswerRun | null>(null);
  useLayoutEffect(() => {
    busyRef.current = activeAnswerId !== null;
  });

  const start = useCallback(
    (turns: PageTurn[], answerId: string, { keptText = '' }: { keptText?: string } = {}) => {
      const run: AnswerRun = { answerId, promise: Promise.resolve(), abort: new AbortController() };
      const { signal } = run.abort;
      run.promise = (async () => {
        // At most two attempts: the second on the CPU, after the GPU computed invalid numbers.
        for (let attempt = 1; ; attempt++) {
          let loaded: LoadResult;
          try {
            loaded = await ensureModel();
          } catch (error) {
            dispatchChat({ type: 'answer-fail', answerId, error: describeError(error) });
            return;
          }
          if (signal.aborted) {
            dispatchChat({ type: 'answer-finish', answerId, text: keptText, status: 'stopped', finishReason: 'stopped' });
            return;
          }
          dispatchRuntime({ type: 'generate-start', answerId });
          const batcher = streamedTextBatcher((text) => dispatchChat({ type: 'answer-delta', answerId, text }));
          let cpuRetry: ErrorInfo | null = null;
          try {
            const result = await bridge.generate(turns, generateOptionsFor(settingsRef.current), (piece) => piece && batcher.push(piece), { signal });
            batcher.flush();
            const stats = statsFrom(result.timings, loaded.device);
            if (result.finishReason === 'error') {
              const error = result.error ?? { name: 'Error', message: 'The answer failed.' };
              if (attempt === 1 && !signal.aborted && retriesOnCpu(error, loaded.device, settingsRef.current.backend)) cpuRetry = error;
              else dispatchChat({ type: 'answer-fail', answerId, error, text: keptText + result.text, failedOn: loaded.device, stats });
            } else {
              const status = result.finishReason === 'stopped' ? 'stopped' : 'done';
              dispatchChat({
                type: 'answer-finish',
                answerId,
                text: keptText + result.text,
                status,
                finishReason: result.finishReason,
                stats,
                ...(result.task ? { task: result.task } : {}),
                ...(result.regions ? { regions: result.regions } : {}),
              });
            }
          } catch (error) {
            // The text streamed so far stays: what waits for the next draw (up to 100 ms of it) too.
            batcher.flush();
            dispatchChat({ type: 'answer-fail', answerId, error: describeError(error), failedOn: loaded.device });
          } finally {
            dispatchRuntime({ type: 'generate-end' });
          }
          if (!cpuRetry) return;
          // The text the GPU produced is not trusted: the answer starts over on the CPU.
          fallBackToCpu(cpuRetry);
          dispatchChat({ type: 'answer-restart', answerId, text: keptText });
        }
      })().finally(() => {
        if (runRef.current !== run) return;
        runRef.current = null;
        busyRef.current = false;
        setActiveAnswerId(null);
      });
      runRef.current = run;
      busyRef.current = true;
      setActiveAnswerId(answerId);
    },
    [bridge, busyRef, dispatchChat, dispatchRuntime, ensureModel, fallBackToCpu, settingsRef],
  );

  const stop = useCallback(() => {
    const run = runRef.current;
    if (!run || run.abort.signal.aborted) return;
    run.abort.abort();
    dispatchRuntime({ type: 'stop-requested' });
  }, [dispatchRuntime]);

  const settle = useCallback(async () => {
    const run = runRef.current;
    if (!run) return;
    stop();
    await run.promise;
  }, [stop]);

  const isRunning = useCallback(() => runRef.current !== null, []);

  return { activeAnswerId, isRunning, start, stop, settle };
}
