/**
 * The bridge against a fake worker: a real Comlink channel in Node, with a scripted runtime on the
 * other end instead of the model. What is tested is the bridge's own promise: cancellation by
 * signal, errors with their facts, and a fresh worker after a crash or a lost GPU.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContextOverflowError, WorkerCrashedError } from '../../workers/errors.ts';
import { zeroTimings, type ChatTurn, type GenerateOptions, type GenerateResult, type LoadResult, type RuntimeLoadOptions, type TokenCallback } from '../../workers/protocol.ts';
import { VlmBridge, type PageTurn } from './vlm-bridge.ts';

/** A Worker whose other end is a Comlink-exposed object in this thread. */
class FakeWorker extends EventTarget {
  readonly #page: MessagePort;
  readonly #inside: MessagePort;
  /** Runs just after each message is posted to the worker (to act "as soon as the call is posted"). */
  afterPost: ((message: unknown) => void) | null = null;
  terminated = false;

  constructor(runtime: object) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#page = port1;
    this.#inside = port2;
    port1.addEventListener('message', (event) => this.dispatchEvent(new MessageEvent('message', { data: (event as MessageEvent).data })));
    port1.start();
    Comlink.expose(runtime, port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.#page.postMessage(message, transfer);
    this.afterPost?.(message);
  }

  terminate(): void {
    this.terminated = true;
    this.#page.close();
    this.#inside.close();
  }

  /** What the browser does when the worker's script throws at top level or runs out of memory. */
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

const loadResult = (modelId: string, device: LoadResult['device'] = 'wasm'): LoadResult => ({
  modelId,
  device,
  dtype: { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' },
  bytes: 1,
  wasmThreads: 1,
  contextLength: 2048,
  imageTokensPerFrame: 64,
  loadMs: 1,
});

const result = (finishReason: GenerateResult['finishReason'], text = '', extra: Partial<GenerateResult> = {}): GenerateResult => ({
  text,
  finishReason,
  tokenIds: [],
  timings: zeroTimings(),
  ...extra,
});

/** The worker's side, scripted: it records the calls it receives, in order. */
class FakeRuntime {
  readonly calls: string[] = [];
  generateWith: (onToken: TokenCallback, runtime: FakeRuntime) => Promise<GenerateResult> = async (onToken) => {
    await onToken('Hello', 1);
    return result('eos', 'Hello');
  };
  #running = false;
  #stop: (() => void) | null = null;

  async load(modelId: string, options: RuntimeLoadOptions): Promise<LoadResult> {
    this.calls.push(`load ${modelId} ${options.device ?? 'auto'}`);
    return loadResult(modelId);
  }

  async generate(_conversation: ChatTurn[], _options: GenerateOptions, onToken: TokenCallback): Promise<GenerateResult> {
    this.calls.push('generate');
    this.#running = true;
    try {
      return await this.generateWith(onToken, this);
    } finally {
      this.#running = false;
    }
  }

  /** A generation that runs until interrupted. */
  untilInterrupted(): Promise<GenerateResult> {
    return new Promise((resolve) => (this.#stop = () => resolve(result('stopped'))));
  }

  interrupt(): boolean {
    this.calls.push(`interrupt${this.#running ? '' : ' (nothing running)'}`);
    this.#stop?.();
    return this.#running;
  }
}

const greedy: GenerateOptions = { maxNewTokens: 8, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' };
const question: PageTurn[] = [{ role: 'user', text: 'Hi' }];

const workers: FakeWorker[] = [];
afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

function bridgeWith(...runtimes: FakeRuntime[]) {
  const bridge = new VlmBridge(() => {
    const runtime = runtimes[workers.length];
    if (!runtime) throw new Error('No more fake workers.');
    const worker = new FakeWorker(runtime);
    workers.push(worker);
    return worker as unknown as Worker;
  });
  return bridge;
}

// A broken promise here shows up as a call that never settles: fail fast rather than at the default 2 minutes.
describe('VlmBridge', { timeout: 5_000 }, () => {
  it('streams an answer and resolves with its result', async () => {
    const runtime = new FakeRuntime();
    const bridge = bridgeWith(runtime);
    const pieces: string[] = [];
    expect(await bridge.generate(question, greedy, (piece) => pieces.push(piece))).toMatchObject({ finishReason: 'eos', text: 'Hello' });
    expect(pieces).toEqual(['Hello']);
  });

  it('an abort as soon as the call is posted interrupts that very generation', async () => {
    const runtime = new FakeRuntime();
    runtime.generateWith = (_onToken, self) => self.untilInterrupted();
    const bridge = bridgeWith(runtime);
    await bridge.status().catch(() => undefined); // starts the worker
    const stop = new AbortController();
    workers[0]!.afterPost = (message) => {
      if ((message as { path?: string[] }).path?.[0] === 'generate') stop.abort();
    };
    const answer = await bridge.generate(question, greedy, () => undefined, { signal: stop.signal });
    expect(answer.finishReason).toBe('stopped');
    // The interrupt reached the worker after the call, while it was running.
    expect(runtime.calls).toEqual(['generate', 'interrupt']);
  });

  it('an abort later stops the running answer; an abort before the call sends nothing', async () => {
    const runtime = new FakeRuntime();
    runtime.generateWith = (_onToken, self) => self.untilInterrupted();
    const bridge = bridgeWith(runtime);
    const stop = new AbortController();
    const answer = bridge.generate(question, greedy, () => undefined, { signal: stop.signal });
    await vi.waitFor(() => expect(runtime.calls).toContain('generate'));
    stop.abort();
    expect((await answer).finishReason).toBe('stopped');

    const early = new AbortController();
    early.abort();
    expect(await bridge.generate(question, greedy, () => undefined, { signal: early.signal })).toMatchObject({ finishReason: 'stopped', tokenIds: [] });
    expect(runtime.calls).toEqual(['generate', 'interrupt']);
  });

  it('a named error thrown in the worker arrives as its class, with its facts', async () => {
    const runtime = new FakeRuntime();
    runtime.generateWith = async () => {
      throw new ContextOverflowError('This conversation is 3000 tokens.', { promptTokens: 3000, imageTokens: 2176, contextLength: 2048 });
    };
    const error = await bridgeWith(runtime)
      .generate(question, greedy, () => undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as ContextOverflowError).facts).toEqual({ promptTokens: 3000, imageTokens: 2176, contextLength: 2048 });
  });

  it('a crash fails the waiting call; the next call gets a fresh worker with the model reloaded', async () => {
    const first = new FakeRuntime();
    first.generateWith = (_onToken, self) => self.untilInterrupted();
    const second = new FakeRuntime();
    const recovered = vi.fn();
    const bridge = bridgeWith(first, second);
    bridge.onRecovered(recovered);
    await bridge.load('tiny', { device: 'wasm' }, () => undefined);
    const waiting = bridge.generate(question, greedy, () => undefined);
    await vi.waitFor(() => expect(first.calls).toContain('generate'));
    workers[0]!.crash('out of memory');
    await expect(waiting).rejects.toThrow(WorkerCrashedError);
    expect(workers[0]!.terminated).toBe(true);

    expect((await bridge.generate(question, greedy, () => undefined)).finishReason).toBe('eos');
    // Reloaded on `auto`: the fresh worker may find the GPU again.
    expect(second.calls).toEqual(['load tiny auto', 'generate']);
    expect(recovered).toHaveBeenCalledWith(expect.objectContaining({ modelId: 'tiny' }), 'The model worker crashed: out of memory');
  });

  it('a GPU lost during an answer replaces the worker before the next call', async () => {
    const first = new FakeRuntime();
    first.generateWith = async () => result('error', 'partial', { error: { name: 'GpuDeviceLostError', message: 'The GPU stopped working.' } });
    const second = new FakeRuntime();
    const bridge = bridgeWith(first, second);
    await bridge.load('tiny', { device: 'webgpu' }, () => undefined);
    expect((await bridge.generate(question, greedy, () => undefined)).error?.name).toBe('GpuDeviceLostError');
    expect(workers[0]!.terminated).toBe(true);
    await bridge.generate(question, greedy, () => undefined);
    expect(second.calls).toEqual(['load tiny auto', 'generate']);
  });
});
