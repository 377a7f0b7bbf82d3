/**
 * The page's single owner of the model worker. It creates the worker lazily, rejects every pending
 * call itself if the worker dies (Comlink does not), starts a fresh worker after a crash or a lost
 * GPU, stops an answer when its AbortSignal fires, and sends each image's pixels only once per
 * worker (later turns refer to the image by id). The worker itself runs one generation at a time
 * and refuses a second with GenerationBusyError.
 */
import * as Comlink from 'comlink';
import {
  zeroTimings,
  type Capabilities,
  type ChatTurn,
  type GenerateOptions,
  type GenerateResult,
  type ImageDetail,
  type LoadProgress,
  type LoadResult,
  type ModelEntry,
  type PrepareResult,
  type PromptEstimate,
  type RuntimeLoadOptions,
  type TokenCallback,
  type VideoClip,
  type VlmWorkerApi,
  type WorkerStatus,
} from '../../workers/protocol.ts';
import { installErrorTransfer } from '../../workers/error-transfer.ts';
import { ImagePixelsNeededError, WorkerCrashedError } from '../../workers/errors.ts';
import { deviceWasmThreads } from '../device/wasm-threads.ts';
import { bitmapForWorker } from './images.ts';

/** A chat turn as the page holds it: images are Blobs with stable ids. */
export interface PageTurn {
  role: 'user' | 'assistant';
  text: string;
  images?: { id: string; blob: Blob }[];
  /** The last turn, an answer cut short, that the model goes on writing (see ChatTurn). */
  unfinished?: boolean;
  /** The images are the frames of one video (see ChatTurn). */
  video?: VideoClip;
}

type Remote = Comlink.Remote<VlmWorkerApi>;

/** What an answer stopped before the worker ran it reports: nothing generated, nothing timed. */
function stoppedBeforeStart(): GenerateResult {
  return { text: '', finishReason: 'stopped', timings: zeroTimings(), tokenIds: [] };
}

/** The worker was replaced (crash or GPU loss) and the model reloaded; `result` says where. */
export type RecoveredListener = (result: LoadResult, reason: string) => void;

export class VlmBridge {
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private readonly pending = new Set<(error: Error) => void>();
  private readonly imagesInWorker = new Set<string>();
  private lastLoad: { modelId: string; options: RuntimeLoadOptions } | null = null;
  private restartReason: string | null = null;
  private lastResult: LoadResult | null = null;
  private readonly recoveredListeners = new Set<RecoveredListener>();
  /** The last call being converted and posted (see inOrder). */
  private posting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly createWorker: () => Worker = () => new Worker(new URL('../../workers/vlm.worker.ts', import.meta.url), { type: 'module', name: 'vlm' }),
    /** WASM threads for a load that does not name them: measured per device (src/device/wasm-threads.ts). */
    private readonly defaultWasmThreads: () => Promise<number> = async () => (await deviceWasmThreads()).threads,
  ) {
    // Named errors thrown in the worker arrive as the same classes, facts included.
    installErrorTransfer();
  }

  private api(): Remote {
    if (this.remote) return this.remote;
    const worker = this.createWorker();
    worker.addEventListener('error', (event) => this.crash(`The model worker crashed: ${event.message || 'unknown error'}`));
    worker.addEventListener('messageerror', () => this.crash('The model worker sent a message that could not be read.'));
    this.worker = worker;
    this.remote = Comlink.wrap<VlmWorkerApi>(worker);
    this.watchLifeline(worker, this.remote);
    return this.remote;
  }

  /**
   * A worker closed from outside or killed by the browser (out of memory) fires no `error` event
   * and would leave every call waiting forever. It holds a Web Lock for its life; the page asks
   * for the same lock, which the browser grants the moment the worker is gone.
   */
  private watchLifeline(worker: Worker, remote: Remote): void {
    if (typeof navigator === 'undefined' || !navigator.locks) return;
    const name = `vlm-worker-lifeline-${crypto.randomUUID()}`;
    remote
      .holdLifeline(name)
      .then(() =>
        navigator.locks.request(name, () => {
          if (this.worker === worker) this.crash('The model worker stopped without a word (closed, or out of memory).');
        }),
      )
      .catch(() => undefined);
  }

  /** Ends the worker and fails every call still waiting on it. */
  private crash(reason: string): void {
    this.worker?.terminate();
    this.worker = null;
    if (this.remote) this.remote[Comlink.releaseProxy]();
    this.remote = null;
    this.imagesInWorker.clear();
    this.restartReason = reason;
    const error = new WorkerCrashedError(reason);
    for (const reject of [...this.pending]) reject(error);
    this.pending.clear();
  }

  /** Runs a call, rejecting it if the worker dies first. */
  private track<T>(call: (remote: Remote) => Promise<T>): Promise<T> {
    const remote = this.api();
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.pending.add(fail);
      call(remote).then(resolve, reject).finally(() => this.pending.delete(fail));
    });
  }

  /** After a crash or GPU loss: a fresh worker with the last model, on a fresh device (or WASM). */
  private async recoverIfNeeded(): Promise<void> {
    if (!this.restartReason || !this.lastLoad) return;
    const reason = this.restartReason;
    this.restartReason = null;
    const result = await this.track((remote) => remote.load(this.lastLoad!.modelId, { ...this.lastLoad!.options, device: 'auto' }, Comlink.proxy(() => undefined)));
    this.lastResult = result;
    for (const listener of this.recoveredListeners) listener(result, reason);
  }

  /** Calls `listener` each time a fresh worker replaced a crashed one and reloaded the model; returns the unsubscribe. */
  onRecovered(listener: RecoveredListener): () => void {
    this.recoveredListeners.add(listener);
    return () => {
      this.recoveredListeners.delete(listener);
    };
  }

  capabilities(): Promise<Capabilities> {
    return this.track((remote) => remote.capabilities());
  }

  listModels(): Promise<ModelEntry[]> {
    return this.track((remote) => remote.listModels());
  }

  async load(modelId: string, options: RuntimeLoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadResult> {
    // ONNX Runtime keeps one WebGPU device per worker and ends it when its sessions are
    // released, so a model that ran on WebGPU is replaced by a fresh worker, not in place.
    if (this.lastResult?.device === 'webgpu') this.crash('Replacing the WebGPU model.');
    this.restartReason = null;
    options = { ...options, wasmThreads: options.wasmThreads ?? (await this.defaultWasmThreads()) };
    const result = await this.track((remote) => remote.load(modelId, options, Comlink.proxy(onProgress)));
    this.lastLoad = { modelId, options };
    this.lastResult = result;
    this.imagesInWorker.clear();
    return result;
  }

  /**
   * Runs `convertAndPost` (which converts page turns and posts one call) after the ones before it
   * have posted theirs, so calls reach the worker in the order they were made, whatever their
   * images take to convert: a question sent right after a prepare arrives after it.
   */
  private inOrder<T>(convertAndPost: () => Promise<T>): Promise<T> {
    const next = this.posting.then(convertAndPost);
    this.posting = next.catch(() => undefined);
    return next;
  }

  /** Converts page turns to worker turns, sending pixels only for images the worker lacks. */
  private async toWorkerTurns(conversation: readonly PageTurn[]): Promise<{ turns: ChatTurn[]; transfers: ImageBitmap[]; sent: string[] }> {
    const transfers: ImageBitmap[] = [];
    const sent: string[] = [];
    const turns: ChatTurn[] = [];
    for (const turn of conversation) {
      const images = [];
      for (const image of turn.images ?? []) {
        if (this.imagesInWorker.has(image.id) || sent.includes(image.id)) {
          images.push({ id: image.id });
          continue;
        }
        const bitmap = await bitmapForWorker(image.blob);
        transfers.push(bitmap);
        sent.push(image.id);
        images.push({ id: image.id, source: bitmap });
      }
      turns.push({
        role: turn.role,
        text: turn.text,
        ...(images.length ? { images } : {}),
        ...(turn.unfinished ? { unfinished: true } : {}),
        ...(turn.video ? { video: turn.video } : {}),
      });
    }
    return { turns, transfers, sent };
  }

  /**
   * One answer, streamed to `onToken`. Aborting `signal` stops it and resolves with what was
   * generated so far (finish reason `stopped`): before the call is posted nothing reaches the
   * worker; from the moment it is posted the worker is told, and stops at its next step.
   */
  async generate(
    conversation: readonly PageTurn[],
    options: GenerateOptions,
    onToken: TokenCallback,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<GenerateResult> {
    const result = await this.withPixelsResent(async () => {
      if (signal?.aborted) return stoppedBeforeStart();
      await this.recoverIfNeeded();
      const posted = await this.inOrder(async () => {
        const { turns, transfers, sent } = await this.toWorkerTurns(conversation);
        if (signal?.aborted) {
          for (const bitmap of transfers) bitmap.close();
          return null;
        }
        const result = this.track((remote) => {
          const call = remote.generate(Comlink.transfer(turns, transfers), options, Comlink.proxy(onToken));
          // Posted: the worker handles messages in order, so an interrupt sent from now on reaches the
          // generation this call started.
          const interrupt = () => void remote.interrupt().catch(() => false);
          if (signal?.aborted) interrupt();
          else signal?.addEventListener('abort', interrupt, { once: true });
          return call.finally(() => signal?.removeEventListener('abort', interrupt));
        });
        return { sent, result };
      });
      if (!posted) return stoppedBeforeStart();
      const result = await posted.result;
      for (const id of posted.sent) this.imagesInWorker.add(id);
      return result;
    });
    if (result.error?.name === 'GpuDeviceLostError') this.crash(result.error.message);
    return result;
  }

  /**
   * Work ahead of Enter (VlmWorkerApi.prepare) on the loaded model: never loads one, never starts
   * a worker, never throws (what went wrong is in the result).
   */
  async prepare(conversation: readonly PageTurn[], detail: ImageDetail): Promise<PrepareResult> {
    if (!this.remote || !this.lastResult || this.restartReason) return { outcome: 'skipped', preparedTokens: 0, imagesEncoded: 0 };
    try {
      return await this.withPixelsResent(async () => {
        const posted = await this.inOrder(async () => {
          const { turns, transfers, sent } = await this.toWorkerTurns(conversation);
          const result = this.track((remote) => remote.prepare(Comlink.transfer(turns, transfers), detail));
          // Posted: the worker takes its messages in order and a generate waits for this prepare,
          // which decodes the images first, so a question sent right away refers to them by id
          // instead of sending the pixels twice. (Should the worker not have kept them, it says so
          // and the generate sends them: withPixelsResent.)
          for (const id of sent) this.imagesInWorker.add(id);
          return { result };
        });
        return await posted.result;
      });
    } catch (error) {
      return { outcome: 'failed', preparedTokens: 0, imagesEncoded: 0, message: (error as Error).message };
    }
  }

  async estimate(conversation: readonly PageTurn[], detail: ImageDetail): Promise<PromptEstimate> {
    return this.withPixelsResent(async () => {
      await this.recoverIfNeeded();
      const { turns, transfers, sent } = await this.toWorkerTurns(conversation);
      const estimate = await this.track((remote) => remote.estimate(Comlink.transfer(turns, transfers), detail));
      for (const id of sent) this.imagesInWorker.add(id);
      return estimate;
    });
  }

  /**
   * Runs `call`; if the worker answers that it needs pixels it does not hold (it drops them to stay
   * within its memory bound, before anything runs), sends them and runs the call once more.
   */
  private async withPixelsResent<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ImagePixelsNeededError)) throw error;
      for (const id of error.facts.images) this.imagesInWorker.delete(id);
      return call();
    }
  }

  async reset(): Promise<void> {
    if (!this.remote) return;
    await this.track((remote) => remote.reset());
    this.imagesInWorker.clear();
  }

  async unload(): Promise<void> {
    if (!this.remote) return;
    await this.track((remote) => remote.unload());
    this.lastLoad = null;
    this.lastResult = null;
    this.imagesInWorker.clear();
  }

  status(): Promise<WorkerStatus> {
    return this.track((remote) => remote.status());
  }

  /** Diagnostics: an uncaught exception inside the worker (it fires the worker's `error` event). */
  simulateUncaughtError(): Promise<void> {
    return this.track((remote) => remote.simulateUncaughtError());
  }

  /** Diagnostics: destroy the GPU device as a driver reset would. */
  simulateGpuDeviceLoss(): Promise<boolean> {
    return this.track((remote) => remote.simulateGpuDeviceLoss());
  }

  /** Terminates the worker (page unload, tests). */
  dispose(): void {
    this.crash('The model worker was closed.');
    this.restartReason = null;
  }
}
