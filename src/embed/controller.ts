/**
 * The widget's state and the only code that drives the model. Questions from the person (the
 * composer) and from the host page (`ask()` on the element) run one at a time through one queue.
 *
 * Privacy rule: the host page only ever receives what it asked for. A host question sees only
 * earlier host questions and their answers as context (never the person's turns, which the model
 * could otherwise repeat into an answer the host reads); the person's questions see everything.
 * Load progress and `ready` go to the host only once it has asked for the model.
 */
import type { PageTurn, VlmBridge } from '../bridge/vlm-bridge.ts';
import type { ErrorInfo, GenerateOptions, LoadProgress, LoadResult, ModelEntry } from '../../workers/protocol.ts';
import { describeError, errorFromInfo } from '../../workers/errors.ts';
import { FrameBatcher } from '../lib/frame-batcher.ts';
import { imageFromBlob, type EmbedImage } from './images.ts';
import { clip, errorNameForHost, type EmbedConfig, type EmbedFinishReason, type FrameEvent, type HostCommand } from './protocol.ts';

export type Asker = 'host' | 'person';

export interface Turn {
  id: string;
  from: Asker;
  role: 'user' | 'assistant';
  text: string;
  images: readonly EmbedImage[];
  /** A failed turn stays visible but is left out of later prompts. */
  status: 'streaming' | 'done' | 'stopped' | 'failed';
  error: string | null;
}

export type ModelState =
  | { kind: 'idle'; modelId: string }
  | { kind: 'loading'; modelId: string; progress: LoadProgress | null }
  | { kind: 'ready'; modelId: string; result: LoadResult }
  | { kind: 'failed'; modelId: string; error: ErrorInfo };

export type RunState = { kind: 'idle' } | { kind: 'running'; from: Asker };

/** Whether the person may use the widget here (an allowlisted deployment waits for the handshake). */
export type Access = { kind: 'open'; hostOrigin: string | null } | { kind: 'waiting' } | { kind: 'refused'; origin: string };

export interface EmbedSnapshot {
  config: EmbedConfig;
  /** The model the next question runs on: the person's pick (if allowed), else the host's. */
  modelId: string;
  model: ModelState;
  run: RunState;
  turns: readonly Turn[];
  /** Models the person may pick from (loaded when `allowModelChange`). */
  models: readonly ModelEntry[];
  access: Access;
  crossOriginIsolated: boolean;
}

interface Job {
  from: Asker;
  askId: string | null;
  abort: AbortController;
}

/** Default answer length; the host may ask for 1–1024 tokens. */
export const ANSWER_TOKENS = 256;
/** Host questions allowed to wait at once. */
const MAX_QUEUED_HOST_ASKS = 8;
const PROGRESS_INTERVAL_MS = 100;

const generateOptions = (maxNewTokens: number): GenerateOptions => ({
  maxNewTokens,
  sampling: { kind: 'greedy' },
  repetitionPenalty: 1.1,
  detail: 'auto',
});

export class EmbedController {
  #snapshot: EmbedSnapshot;
  readonly #listeners = new Set<() => void>();
  /** One render per animation frame, however many tokens arrive in it. */
  readonly #notify = new FrameBatcher<void>(() => {
    for (const listener of this.#listeners) listener();
  });
  #queue: Promise<void> = Promise.resolve();
  readonly #jobs = new Set<Job>();
  #current: Job | null = null;
  #personModel: string | null = null;
  #hostWantsModel = false;
  #hostToldReady: string | null = null;
  #lastProgressAt = 0;
  #turnCount = 0;

  constructor(
    private readonly bridge: VlmBridge,
    config: EmbedConfig,
    private readonly toHost: (event: FrameEvent) => void,
    access: Access,
    crossOriginIsolated: boolean,
  ) {
    this.#snapshot = {
      config,
      modelId: config.model,
      model: { kind: 'idle', modelId: config.model },
      run: { kind: 'idle' },
      turns: [],
      models: [],
      access,
      crossOriginIsolated,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): EmbedSnapshot => this.#snapshot;

  #update(patch: Partial<EmbedSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.#notify.push();
  }

  #patchTurn(id: string, patch: Partial<Turn>): void {
    this.#update({ turns: this.#snapshot.turns.map((turn) => (turn.id === id ? { ...turn, ...patch } : turn)) });
  }

  setAccess(access: Access): void {
    this.#update({ access });
  }

  /** Runs jobs one after another; a job never rejects the chain. */
  #enqueue(job: Job, work: () => Promise<void>): void {
    this.#jobs.add(job);
    this.#queue = this.#queue
      .then(async () => {
        this.#current = job;
        try {
          await work();
        } finally {
          this.#current = null;
          this.#jobs.delete(job);
        }
      })
      .catch((error: unknown) => console.error('Embedded chat job failed', error));
  }

  // --- Commands ---------------------------------------------------------------------------

  /** A question from the composer. Errors show in the conversation. */
  askAsPerson(text: string, images: EmbedImage[]): void {
    if (this.#snapshot.access.kind !== 'open') return;
    const job: Job = { from: 'person', askId: null, abort: new AbortController() };
    this.#enqueue(job, async () => {
      await this.#run(job, text, images, ANSWER_TOKENS, () => undefined).catch(() => undefined);
    });
  }

  /** A question from the host page: exactly one `done` or `error` answers it. */
  askAsHost(command: Extract<HostCommand, { kind: 'ask' }>): void {
    const { id } = command;
    const waiting = [...this.#jobs].filter((job) => job.from === 'host').length;
    if (waiting >= MAX_QUEUED_HOST_ASKS) {
      this.toHost({ kind: 'error', id, name: 'GenerationBusyError', message: `${waiting} questions are already waiting; ask again when one is answered.` });
      return;
    }
    const job: Job = { from: 'host', askId: id, abort: new AbortController() };
    this.#enqueue(job, async () => {
      try {
        if (job.abort.signal.aborted) {
          this.toHost({ kind: 'done', id, text: '', finishReason: 'stopped' });
          return;
        }
        const images = await Promise.all(command.images.map((image, index) => imageFromBlob(new Blob([image.bytes]), `Image ${index + 1} from the page`)));
        let sent = 0;
        const answer = await this.#run(job, command.text, images, command.maxNewTokens ?? ANSWER_TOKENS, (visible) => {
          // Pieces add up exactly to the final text (the leading space of the first is dropped).
          if (visible.length > sent) this.toHost({ kind: 'token', id, text: visible.slice(sent) });
          sent = visible.length;
        });
        this.toHost({ kind: 'done', id, text: answer.text, finishReason: answer.finishReason });
      } catch (error) {
        const { name, message } = describeError(error);
        this.toHost({ kind: 'error', id, name: errorNameForHost(name), message: clip(message) });
      }
    });
  }

  /** The host's `preload`: load the model now rather than at the first question. */
  loadForHost(): void {
    const job: Job = { from: 'host', askId: null, abort: new AbortController() };
    this.#enqueue(job, async () => {
      try {
        await this.#ensureModel(true);
      } catch (error) {
        const { name, message } = describeError(error);
        this.toHost({ kind: 'error', id: null, name: errorNameForHost(name), message: clip(message) });
      }
    });
  }

  /** Stops the host's questions: one (`id`) or all of them, running or waiting. */
  stopHost(id: string | null): void {
    for (const job of this.#jobs) if (job.from === 'host' && job.askId !== null && (id === null || job.askId === id)) job.abort.abort();
  }

  /** The person's Stop button: ends the running answer, whoever asked. */
  stopCurrent(): void {
    this.#current?.abort.abort();
  }

  /** A new, empty conversation (the person's button or the host's `reset()`). */
  reset(): void {
    for (const job of this.#jobs) job.abort.abort();
    for (const turn of this.#snapshot.turns) for (const image of turn.images) URL.revokeObjectURL(image.url);
    this.#update({ turns: [] });
    const job: Job = { from: 'person', askId: null, abort: new AbortController() };
    this.#enqueue(job, () => this.bridge.reset().catch(() => undefined));
  }

  /** Attribute changes from the host. */
  configure(patch: Partial<EmbedConfig>): void {
    const config = { ...this.#snapshot.config, ...patch };
    if (!config.allowModelChange) this.#personModel = null;
    this.#update({ config, modelId: this.#personModel ?? config.model });
  }

  /** The person picks a model (only when the host allows it). */
  pickModel(modelId: string): void {
    if (!this.#snapshot.config.allowModelChange) return;
    this.#personModel = modelId;
    this.#update({ modelId });
  }

  async loadModelList(): Promise<void> {
    try {
      this.#update({ models: await this.bridge.listModels() });
    } catch {
      // The list is a convenience; the configured model still works.
    }
  }

  // --- Running the model ------------------------------------------------------------------

  async #ensureModel(forHost: boolean): Promise<LoadResult> {
    if (forHost) this.#hostWantsModel = true;
    const { modelId, model } = this.#snapshot;
    if (model.kind === 'ready' && model.modelId === modelId) {
      this.#tellHostReady(model.result);
      return model.result;
    }
    this.#update({ model: { kind: 'loading', modelId, progress: null } });
    try {
      const result = await this.bridge.load(modelId, { device: 'auto' }, (progress) => this.#onProgress(modelId, progress));
      this.#update({ model: { kind: 'ready', modelId, result } });
      this.#tellHostReady(result);
      return result;
    } catch (error) {
      this.#update({ model: { kind: 'failed', modelId, error: describeError(error) } });
      throw error;
    }
  }

  #onProgress(modelId: string, progress: LoadProgress): void {
    // Progress arrives on its own port and can trail the load's result: never step back from ready.
    const { model } = this.#snapshot;
    if (model.kind !== 'loading' || model.modelId !== modelId) return;
    this.#update({ model: { kind: 'loading', modelId, progress } });
    if (!this.#hostWantsModel) return;
    const now = performance.now();
    if (now - this.#lastProgressAt < PROGRESS_INTERVAL_MS && progress.phase !== 'ready') return;
    this.#lastProgressAt = now;
    const bytes = (value: number) => (Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0);
    this.toHost({
      kind: 'progress',
      phase: progress.phase,
      message: clip(progress.message),
      loadedBytes: bytes(progress.loadedBytes),
      totalBytes: bytes(progress.totalBytes),
    });
  }

  #tellHostReady(result: LoadResult): void {
    if (!this.#hostWantsModel || this.#hostToldReady === result.modelId) return;
    this.#hostToldReady = result.modelId;
    this.toHost({
      kind: 'ready',
      model: result.modelId,
      device: result.device,
      wasmThreads: result.wasmThreads,
      crossOriginIsolated: this.#snapshot.crossOriginIsolated,
    });
  }

  #newTurn(from: Asker, role: Turn['role'], text: string, images: readonly EmbedImage[], status: Turn['status']): Turn {
    this.#turnCount += 1;
    return { id: `turn-${this.#turnCount}`, from, role, text, images, status, error: null };
  }

  /** One question and its streamed answer. `onVisible` gets the answer so far. */
  async #run(
    job: Job,
    text: string,
    images: EmbedImage[],
    maxNewTokens: number,
    onVisible: (answerSoFar: string) => void,
  ): Promise<{ text: string; finishReason: EmbedFinishReason }> {
    const { signal } = job.abort;
    await this.#ensureModel(job.from === 'host');
    if (signal.aborted) return { text: '', finishReason: 'stopped' };
    const history = this.#snapshot.turns.filter((turn) => turn.status !== 'failed' && (job.from === 'person' || turn.from === 'host'));
    const question = this.#newTurn(job.from, 'user', text, images, 'done');
    const answer = this.#newTurn(job.from, 'assistant', '', [], 'streaming');
    this.#update({ turns: [...this.#snapshot.turns, question, answer], run: { kind: 'running', from: job.from } });
    let streamed = '';
    try {
      const conversation: PageTurn[] = [...history, question].map((turn) => ({
        role: turn.role,
        text: turn.text,
        images: turn.images.map((image) => ({ id: image.id, blob: image.blob })),
      }));
      const onPiece = (piece: string) => {
        streamed += piece;
        const visible = streamed.trimStart();
        this.#patchTurn(answer.id, { text: visible });
        onVisible(visible);
      };
      const result = await this.bridge.generate(conversation, generateOptions(maxNewTokens), onPiece, { signal });
      if (result.finishReason === 'error') throw errorFromInfo(result.error ?? { name: 'Error', message: 'The answer failed.' });
      const finishReason = result.finishReason;
      this.#patchTurn(answer.id, { text: result.text, status: finishReason === 'stopped' ? 'stopped' : 'done' });
      return { text: result.text, finishReason };
    } catch (error) {
      this.#patchTurn(question.id, { status: 'failed' });
      this.#patchTurn(answer.id, { status: 'failed', error: describeError(error).message });
      throw error;
    } finally {
      this.#update({ run: { kind: 'idle' } });
    }
  }
}
