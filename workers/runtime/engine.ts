/**
 * The model runtime, exposed to the page as is (it implements the worker contract): loads a model
 * on the best device (WebGPU, falling back to WASM with the reason), runs one generation at a time
 * with a KV cache reused across turns, streams text, and frees every session and GPU buffer on
 * unload. A generation runs in steps: prepare (images and prompt), prefill, decode, finish.
 * Family-specific work (prompt layout, image encoding, an encoder-decoder's encoder) lives in
 * workers/families; the engine asks a family only what its traits say it does (a family without
 * multi-turn KV reuse is prefilled afresh every answer). What the engine needs from the browser
 * comes in through EngineDeps, so it is unit tested with fakes.
 */
import { env, Tensor, type RawImage } from '@huggingface/transformers';
import {
  ContextOverflowError,
  GenerationBusyError,
  GpuDeviceLostError,
  ImagePixelsNeededError,
  InvalidLogitsError,
  InvalidRequestError,
  ModelLoadError,
  ModelNotLoadedError,
  describeError,
  isModelFileError,
} from '../errors.ts';
import { familyFor } from '../families/index.ts';
import type { EmbedTimings, EncoderFeeds, LoadedModel, PreparedPrompt, PromptMemory, VlmFamily } from '../families/family.ts';
import { planLoad } from '../models/load-plan.ts';
import { decoderSessionName, fetchOriginIndex, mergeRegistry } from '../models/registry.ts';
import {
  IMAGE_DETAILS,
  type Capabilities,
  type ChatTurn,
  type GenerateOptions,
  type GenerateResult,
  type ImageDetail,
  type ImageSource,
  type LoadResult,
  type ModelEntry,
  type ModelFamilyId,
  type PrepareResult,
  type ProgressCallback,
  type PromptEstimate,
  type RuntimeLoadOptions,
  type TokenCallback,
  type VlmWorkerApi,
  type WebGpuCapabilities,
  type WorkerStatus,
} from '../protocol.ts';
import { AnswerIds } from './answer-ids.ts';
import { capabilities, webGpuCapabilities } from './capabilities.ts';
import { FeatureStore } from './feature-store.ts';
import { GenerationRun } from './generation-run.ts';
import { logitsLayout, runWithLastLogitsRow } from './gpu-logits.ts';
import { decodeImage, ImageStore } from './image-store.ts';
import { KvCache } from './kv-cache.ts';
import { configureOnnxRuntime, configuredWasmThreads, defaultWasmThreads } from './ort-env.ts';
import { disposeTensors, type OrtTensor } from './ort-types.ts';
import { createRandom, pickNextToken } from './sampling.ts';
import { yieldToEventLoop } from './yield.ts';

/** What the engine takes from its surroundings; the worker uses the real ones, tests fakes. */
export interface EngineDeps {
  /** The models this origin knows: the registry merged with `/models/index.json`. */
  listModels(): Promise<ModelEntry[]>;
  /** The adapter that runs a model family. */
  familyFor(id: ModelFamilyId): VlmFamily;
  capabilities(): Promise<Capabilities>;
  /** This device's WebGPU, probed once. */
  webGpu(): Promise<WebGpuCapabilities>;
  /** Sets ONNX Runtime up for a load (WASM threads: the default when undefined); returns the threads in use. */
  configureRuntime(wasmThreads: number | undefined): number;
  /** ONNX Runtime's WebGPU device, once a model runs on WebGPU. */
  gpuDevice(): Promise<GPUDevice | undefined>;
  /** Turns an image the page sent into pixels (the browser's decoders; tests bring their own). */
  decodeImage(source: ImageSource, id: string): Promise<RawImage>;
}

const runtimeDeps: EngineDeps = {
  listModels: async () => mergeRegistry(await fetchOriginIndex()),
  familyFor,
  capabilities,
  webGpu: webGpuCapabilities,
  configureRuntime: (wasmThreads) => {
    configureOnnxRuntime(wasmThreads ?? defaultWasmThreads());
    return configuredWasmThreads();
  },
  gpuDevice: async () => (env.backends.onnx.webgpu as { device?: GPUDevice | Promise<GPUDevice> } | undefined)?.device,
  decodeImage,
};

interface Loaded {
  model: LoadedModel;
  family: VlmFamily;
  cache: KvCache;
  result: LoadResult;
}

/** A conversation ready to run: its prompt and how many tokens the answer may have. */
interface PreparedRun {
  prompt: PreparedPrompt;
  maxNewTokens: number;
  /** Time spent decoding the images the page sent (part of the image preprocessing). */
  imageDecodeMs: number;
  /** Prompt tokens the KV cache already holds (nothing else touches the cache while a run is on). */
  reuse: number;
  /** Where work ahead of Enter stops in this prompt (see `aheadEnd`), or null. */
  aheadEnd: number | null;
}

/** Work done ahead of Enter that sits in the KV cache, not yet used by a generation. */
interface PreparedAhead {
  /** The cached tokens it added: [start, end). */
  start: number;
  end: number;
  imageKeys: string[];
  /** When it was done (performance.now()). */
  readyAt: number;
}

const noEmbedTimings = (): EmbedTimings => ({ imagePreprocessMs: 0, visionEncodeMs: 0, imagesEncoded: 0 });

/** What a prefill measures: its image work, and the bytes of logits it brought out of ONNX Runtime. */
type PrefillTimings = EmbedTimings & { logitsBytesRead: number };
const noPrefillTimings = (): PrefillTimings => ({ ...noEmbedTimings(), logitsBytesRead: 0 });

/** On WebGPU: the device and logits layout a prefill reads only the last logits row with (gpu-logits.ts). */
interface GpuLogits {
  device: GPUDevice;
  layout: NonNullable<ReturnType<typeof logitsLayout>>;
}

type DecoderOutputs = Record<string, OrtTensor>;

const GPU_LOST_PATTERN = /device (is |was )?lost|GPUDevice|mapAsync|Device::|webgpu.*destroyed/i;

export function validateGenerateOptions(options: GenerateOptions): void {
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1) {
    throw new InvalidRequestError(`maxNewTokens must be a positive whole number, got ${options.maxNewTokens}.`);
  }
  if (!(options.repetitionPenalty > 0)) throw new InvalidRequestError('repetitionPenalty must be above 0.');
  if (options.sampling.kind === 'sample') {
    const { temperature, topP } = options.sampling;
    if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) throw new InvalidRequestError('temperature must be >= 0 and topP in (0, 1].');
  }
  if (!IMAGE_DETAILS.includes(options.detail)) throw new InvalidRequestError(`Unknown image detail ${String(options.detail)}.`);
}

export class VlmEngine implements VlmWorkerApi {
  readonly #deps: EngineDeps;
  #loaded: Loaded | null = null;
  readonly #images: ImageStore;
  readonly #pixelsOf = (id: string) => this.#images.pixels(id);
  /** Image features by content and layout, for the loaded model (cleared when it changes). */
  readonly #features = new FeatureStore();
  /** The ids this runtime generated for its answers, for the loaded model. */
  readonly #answers = new AnswerIds();
  readonly #memory: PromptMemory = { answerIds: (text) => this.#answers.get(text) };
  /** Work ahead of Enter: the one running (if any), its ticket, and what it left in the cache. */
  #preparing: Promise<PrepareResult> | null = null;
  /** What an encoder-decoder family's encoder gave the running answer's decoder steps (empty otherwise). */
  #encoderFeeds: EncoderFeeds = {};
  #prepareTicket = 0;
  #prepared: PreparedAhead | null = null;
  /** A WASM load's warm-up step, run after Ready (see `load`): what runs a session next waits for it. */
  #warming: Promise<void> | null = null;
  #running = false;
  #interruptRequested = false;
  #gpuLost: string | null = null;
  /** Set while a model runs on WebGPU and its graph states the logits' layout. */
  #gpuLogits: GpuLogits | null = null;

  constructor(deps: Partial<EngineDeps> = {}) {
    this.#deps = { ...runtimeDeps, ...deps };
    this.#images = new ImageStore(undefined, this.#deps.decodeImage);
  }

  capabilities(): Promise<Capabilities> {
    return this.#deps.capabilities();
  }

  /** The registry as this origin sees it (curated + `/models/index.json`). */
  listModels(): Promise<ModelEntry[]> {
    return this.#deps.listModels();
  }

  async load(modelId: string, options: RuntimeLoadOptions, onProgress: ProgressCallback): Promise<LoadResult> {
    if (this.#running) throw new GenerationBusyError('A generation is running; stop it before loading another model.');
    const started = performance.now();
    const entry = (await this.listModels()).find((candidate) => candidate.id === modelId);
    if (!entry) throw new ModelLoadError(`Unknown model "${modelId}". Pick one from the list or add it to /models/index.json.`, { modelId });
    await this.unload();
    const wasmThreads = this.#deps.configureRuntime(options.wasmThreads);

    const requested = options.device ?? 'auto';
    const plan = planLoad(entry, options, await this.#deps.webGpu());
    let fallbackReason = plan.fallbackReason;
    const family = this.#deps.familyFor(entry.family);
    for (const attempt of plan.attempts) {
      const { device, dtype } = attempt;
      try {
        const model = await family.load(entry, attempt, onProgress);
        this.#gpuLogits = device === 'webgpu' ? await this.#gpuLogitsFor(model) : null;
        // On WebGPU the warm-up compiles the shaders (seconds) and is the first proof that the GPU
        // runs this model: a failure falls back to WASM below. On WASM it only primes ONNX Runtime's
        // first run (0.3-0.6 s for the 256M-dimension decoder here), so it runs after Ready, as work
        // ahead of the first question: the person is still typing it (issue 12, session 11).
        if (device === 'webgpu') {
          onProgress({ phase: 'warming-up', message: 'Warming up the GPU', files: [], loadedBytes: 0, totalBytes: 0 });
          await this.#warmUp(model, family);
        }
        const result: LoadResult = {
          modelId: entry.id,
          device,
          dtype,
          bytes: attempt.bytes,
          ...(fallbackReason ? { fallbackReason } : {}),
          wasmThreads,
          contextLength: model.contextLength,
          imageTokensPerFrame: model.tokensPerFrame,
          ...(model.videoSampling ? { videoSampling: model.videoSampling } : {}),
          loadMs: performance.now() - started,
        };
        this.#loaded = { model, family, cache: new KvCache(model.decoder), result };
        this.#gpuLost = null;
        if (device === 'wasm') this.#warming = this.#warmUpAfterReady(model, family);
        if (device === 'webgpu') await this.#watchGpuDevice(model);
        onProgress({ phase: 'ready', message: 'Ready', files: [], loadedBytes: 0, totalBytes: 0 });
        return result;
      } catch (error) {
        // A file that failed verification or does not fit the quota would fail the same way on WASM.
        if (device === 'webgpu' && requested === 'auto' && !isModelFileError(error)) {
          fallbackReason = `WebGPU failed to load the model (${(error as Error).message}); running on the CPU instead.`;
          continue;
        }
        if (error instanceof ModelLoadError || isModelFileError(error)) throw error;
        throw new ModelLoadError(`Could not load ${entry.name}: ${(error as Error).message}`, { modelId: entry.id });
      }
    }
    throw new ModelLoadError(`No device could run ${entry.name}.`, { modelId: entry.id });
  }

  /** The warm-up of a model already reported ready; a failure is left for the first question to meet and report. */
  async #warmUpAfterReady(model: LoadedModel, family: VlmFamily): Promise<void> {
    try {
      await this.#warmUp(model, family);
    } catch (error) {
      console.warn(`Warming up ${model.entry.name} failed: ${(error as Error).message}`);
    } finally {
      this.#warming = null;
    }
  }

  /** One decoder step on a single token so shaders/kernels are compiled before the first question. */
  async #warmUp(model: LoadedModel, family: VlmFamily): Promise<void> {
    const cache = new KvCache(model.decoder);
    const prompt: PreparedPrompt = { ids: [model.eosTokenIds[0] ?? 0], images: [], imageTokens: 0 };
    const timings = noEmbedTimings();
    try {
      this.#encoderFeeds = (await family.encode?.(model, prompt, timings, this.#pixelsOf)) ?? {};
      const embeds = await family.embed(model, prompt, 0, timings, this.#features, this.#pixelsOf);
      const outputs = await this.#runDecoder(model, cache, embeds, 1);
      cache.update(outputs, prompt.ids);
    } finally {
      cache.clear();
      this.#releaseEncoderFeeds();
    }
  }

  async #gpuLogitsFor(model: LoadedModel): Promise<GpuLogits | null> {
    const device = await this.#deps.gpuDevice();
    const layout = device ? logitsLayout(model.decoder) : null;
    return device && layout ? { device, layout } : null;
  }

  async #watchGpuDevice(model: LoadedModel): Promise<void> {
    const device = await this.#deps.gpuDevice();
    device?.lost.then((info) => {
      // Releasing the sessions on unload also ends the device; only a loss under this model counts.
      if (this.#loaded?.model === model) this.#gpuLost = info.message || `GPU device lost (${info.reason})`;
    });
  }

  /** For tests and diagnostics: destroys the GPU device as a driver reset would. */
  async simulateGpuDeviceLoss(): Promise<boolean> {
    const device = this.#loaded?.result.device === 'webgpu' ? await this.#deps.gpuDevice() : undefined;
    device?.destroy();
    return Boolean(device);
  }

  simulateUncaughtError(): void {
    setTimeout(() => {
      throw new Error('A simulated failure inside the model worker.');
    });
  }

  holdLifeline(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // The callback's promise never settles: the lock is held until the worker is gone.
      navigator.locks.request(name, () => (resolve(), new Promise<never>(() => undefined))).catch(reject);
    });
  }

  /** One decoder run on `newTokens` new tokens; `timings` (a prefill's) counts the logits bytes read. */
  async #runDecoder(model: LoadedModel, cache: KvCache, embeds: OrtTensor, newTokens: number, timings?: PrefillTimings): Promise<DecoderOutputs> {
    const total = cache.length + newTokens;
    const attentionMask = new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
    const positions = new Tensor('int64', BigInt64Array.from({ length: newTokens }, (_, i) => BigInt(cache.length + i)), [1, newTokens]);
    const feeds: Record<string, OrtTensor> = {
      ...cache.feeds(),
      ...this.#encoderFeeds,
      inputs_embeds: embeds,
      attention_mask: attentionMask.ort_tensor as OrtTensor,
      position_ids: positions.ort_tensor as OrtTensor,
      // Merged decoders of encoder-decoder exports pick their branch from this: the first step
      // computes the cross-attention keys/values, later steps reuse them from the cache.
      use_cache_branch: new Tensor('bool', [cache.length > 0], [1]).ort_tensor as OrtTensor,
    };
    const needed = Object.fromEntries(model.decoder.inputNames.filter((name) => name in feeds).map((name) => [name, feeds[name]!]));
    // A prefill on WebGPU copies back only the last logits row: sampling needs no more.
    if (this.#gpuLogits && model.device === 'webgpu' && newTokens > 1) {
      const { outputs, bytesRead } = await runWithLastLogitsRow(model.decoder, needed, this.#gpuLogits.device, newTokens, this.#gpuLogits.layout);
      if (timings) timings.logitsBytesRead += bytesRead;
      return outputs;
    }
    const outputs = (await model.decoder.run(needed)) as DecoderOutputs;
    if (timings) timings.logitsBytesRead += (outputs['logits']?.data as ArrayBufferView | undefined)?.byteLength ?? 0;
    return outputs;
  }

  /** Token count of a conversation under the given detail, without running anything. */
  async estimate(conversation: ChatTurn[], detail: ImageDetail): Promise<PromptEstimate> {
    const loaded = this.#requireLoaded();
    await this.#images.ingest(conversation);
    let prompt: PreparedPrompt;
    try {
      prompt = loaded.family.preparePrompt(loaded.model, conversation, this.#images.map, detail, this.#memory);
    } catch (error) {
      if (!(error instanceof ContextOverflowError)) throw error;
      // Still report the numbers: the error carries them.
      const { promptTokens, imageTokens, contextLength } = error.facts;
      return { promptTokens, imageTokens, contextLength, images: [] };
    }
    return {
      promptTokens: prompt.ids.length,
      imageTokens: prompt.imageTokens,
      contextLength: loaded.model.contextLength,
      images: prompt.images.map((image) => ({ id: image.id, frames: image.plan.frames, tokens: image.plan.imageTokens, width: image.image.width, height: image.image.height })),
    };
  }

  #requireLoaded(): Loaded {
    if (!this.#loaded) throw new ModelNotLoadedError('No model is loaded yet. Load one first.');
    if (this.#gpuLost) throw new GpuDeviceLostError(`The GPU was lost (${this.#gpuLost}). Reload the model.`);
    return this.#loaded;
  }

  /**
   * One answer: prepare, prefill, decode, finish. It always ends in one result (stopped and failed
   * runs keep their partial text); only a run that fails before its first token rejects.
   */
  async generate(conversation: ChatTurn[], options: GenerateOptions, onToken: TokenCallback): Promise<GenerateResult> {
    // Synchronous up to here: an interrupt posted right after this call finds the run started.
    const loaded = this.#begin(conversation, options);
    const continuing = conversation.at(-1)!.unfinished === true;
    const run = new GenerationRun(loaded.model.decode, onToken, { continuing });
    try {
      // Work ahead of Enter gives way at its next step; what it finished is used below.
      await this.#warming;
      await this.#preparing?.catch(() => undefined);
      const prepared = await this.#prepare(loaded, run, conversation, options);
      // An interrupt queued right behind the call is taken before the prefill, the costliest step.
      if (await this.#stopRequested()) return await run.finish('stopped');
      const outputs = await this.#prefill(loaded, run, prepared);
      const result = await run.finish(await this.#decode(loaded, run, prepared, outputs, options));
      if (!continuing) this.#answers.remember(result.text, result.tokenIds);
      return this.#withRegions(loaded, prepared, result);
    } catch (error) {
      // Nothing ran: the cache is intact for the retry with the pixels.
      if (error instanceof ImagePixelsNeededError) throw error;
      return await this.#fail(loaded, run, error);
    } finally {
      this.#releaseEncoderFeeds();
      this.#running = false;
      this.#interruptRequested = false;
    }
  }

  /** The task the prompt ran and, for a family that answers with boxes, where they are. */
  #withRegions({ model, family }: Loaded, { prompt }: PreparedRun, result: GenerateResult): GenerateResult {
    const regions = family.regions?.(model, prompt, result.tokenIds);
    return { ...result, ...(prompt.task ? { task: prompt.task } : {}), ...(regions ? { regions } : {}) };
  }

  #releaseEncoderFeeds(): void {
    disposeTensors(Object.values(this.#encoderFeeds));
    this.#encoderFeeds = {};
  }

  /**
   * Work ahead of Enter (see VlmWorkerApi.prepare). One runs at a time: a newer call supersedes
   * the one running, which stops at its next step; a generate, load, reset or unload preempts it
   * the same way. It throws only ImagePixelsNeededError (before anything ran, as `generate`
   * does); other problems are reported in the result, and the generation that follows meets them
   * again and says so.
   */
  async prepare(conversation: ChatTurn[], detail: ImageDetail): Promise<PrepareResult> {
    const ticket = ++this.#prepareTicket;
    await this.#warming;
    await this.#preparing?.catch(() => undefined);
    if (ticket !== this.#prepareTicket) return prepareResult('superseded');
    // A family that prefills every answer afresh (an encoder-decoder) has nothing to keep ahead.
    if (!this.#loaded || this.#running || this.#gpuLost || !kvReuseOf(this.#loaded.family) || !this.#loaded.family.encodeImage) return prepareResult('skipped');
    const work = this.#prepareAhead(this.#loaded, ticket, conversation, detail);
    this.#preparing = work;
    try {
      return await work;
    } finally {
      if (this.#preparing === work) this.#preparing = null;
    }
  }

  /** Stops the work ahead at its next step and waits for it. */
  async #stopPreparing(): Promise<void> {
    this.#prepareTicket++;
    await this.#warming;
    await this.#preparing?.catch(() => undefined);
  }

  async #prepareAhead({ model, family, cache }: Loaded, ticket: number, conversation: ChatTurn[], detail: ImageDetail): Promise<PrepareResult> {
    // Between steps: lets a queued generate (or a newer prepare, a reset) in, and says if one came.
    const stopped = async (): Promise<'preempted' | 'superseded' | null> => {
      await yieldToEventLoop();
      if (this.#running) return 'preempted';
      return ticket === this.#prepareTicket ? null : 'superseded';
    };
    const timings = noPrefillTimings();
    try {
      const last = conversation.at(-1);
      if (!last || last.role !== 'user' || !last.images?.length) {
        // The images prepared for were removed: their tokens leave the cache.
        if (this.#prepared) await cache.truncate(this.#prepared.start);
        this.#prepared = null;
        return prepareResult('nothing-to-prepare');
      }
      await this.#images.ingest(conversation);
      const prompt = family.preparePrompt(model, conversation, this.#images.map, detail, this.#memory);
      const ownImages = prompt.images.slice(prompt.images.length - last.images.length);
      // The prompt up to the last image token: a prefix of every prompt this message can have.
      const end = aheadEnd(family, prompt, last.images.length)!;
      const ahead: PreparedPrompt = { ids: prompt.ids.slice(0, end), images: prompt.images, imageTokens: prompt.imageTokens };
      const reuse = cache.reusablePrefix({ ...ahead, ids: prompt.ids.slice(0, end + 1) });
      if (reuse >= end) return prepareResult('already-prepared', end - (this.#prepared?.start ?? reuse));
      const toEncode = prompt.images.filter((image) => image.endImageToken > reuse);
      const missing = this.#images.missingPixels(toEncode.filter((image) => !this.#features.has(image.key)).map((image) => image.id));
      if (missing.length) throw new ImagePixelsNeededError(`The worker needs the pixels of ${missing.join(', ')} again.`, { images: [...new Set(missing)] });
      for (const image of toEncode) {
        const stop = await stopped();
        if (stop) return prepareResult(stop, 0, timings.imagesEncoded);
        await family.encodeImage!(model, image, this.#features, timings, this.#pixelsOf);
      }
      const stop = await stopped();
      if (stop) return prepareResult(stop, 0, timings.imagesEncoded);
      // A prefill of the new tokens on top of what the cache holds, as a generation would run it.
      await cache.truncate(reuse);
      const start = Math.min(reuse, this.#prepared?.start ?? reuse);
      disposeOutputs(await this.#prefillRange(model, family, cache, ahead, reuse, timings), 'logits');
      this.#prepared = { start, end, imageKeys: ownImages.map((image) => image.key), readyAt: performance.now() };
      return prepareResult('prepared', end - start, timings.imagesEncoded);
    } catch (error) {
      // Nothing ran yet: the page sends the pixels and asks again.
      if (error instanceof ImagePixelsNeededError) throw error;
      // The cache may hold a half-run step.
      cache.clear();
      this.#prepared = null;
      return prepareResult('failed', 0, timings.imagesEncoded, describeError(error).message);
    }
  }

  #begin(conversation: ChatTurn[], options: GenerateOptions): Loaded {
    if (this.#running) throw new GenerationBusyError('A generation is already running. Stop it or wait for it to finish.');
    const loaded = this.#requireLoaded();
    validateGenerateOptions(options);
    if (!Array.isArray(conversation) || conversation.length === 0) throw new InvalidRequestError('The conversation is empty.');
    const last = conversation.at(-1)!;
    if (last.role !== 'user' && !(last.role === 'assistant' && last.unfinished)) {
      throw new InvalidRequestError('The conversation must end with a user turn, or with an unfinished answer to continue.');
    }
    if (conversation.some((turn, index) => turn.unfinished && (turn.role !== 'assistant' || index !== conversation.length - 1))) {
      throw new InvalidRequestError('Only the last turn, an answer, can be unfinished.');
    }
    this.#running = true;
    this.#interruptRequested = false;
    return loaded;
  }

  /** Decodes the images the conversation brings and lays out its prompt. */
  async #prepare({ model, family, cache }: Loaded, run: GenerationRun, conversation: ChatTurn[], options: GenerateOptions): Promise<PreparedRun> {
    const imagesStart = performance.now();
    await this.#images.ingest(conversation);
    const imageDecodeMs = performance.now() - imagesStart;
    const prompt = family.preparePrompt(model, conversation, this.#images.map, options.detail, this.#memory);
    // Images neither the KV cache nor the feature store covers are encoded: their pixels must be
    // here. If some were dropped, ask for them now, before the cache or anything else is touched.
    // A family whose decoder cache depends on more than the prompt ids (an encoder-decoder) reuses
    // nothing, and its encoder takes every image's pixels.
    const kvReuse = family.traits.capabilities.multiTurnKvReuse;
    const reuse = kvReuse ? cache.reusablePrefix(prompt) : 0;
    const missing = this.#images.missingPixels(
      prompt.images.filter((image) => !kvReuse || (image.endImageToken > reuse && !this.#features.has(image.key))).map((image) => image.id),
    );
    if (missing.length) {
      throw new ImagePixelsNeededError(`The worker needs the pixels of ${missing.length === 1 ? 'an image' : `${missing.length} images`} again (${missing.join(', ')}).`, {
        images: [...new Set(missing)],
      });
    }
    run.timings.promptTokens = prompt.ids.length;
    run.timings.imageTokens = prompt.imageTokens;
    const ahead = this.#prepared;
    this.#prepared = null;
    if (ahead && reuse >= ahead.end) {
      run.timings.preparedTokens = ahead.end - ahead.start;
      run.timings.preparedAheadMs = run.started - ahead.readyAt;
    }
    const last = conversation.at(-1)!;
    return {
      prompt,
      imageDecodeMs,
      reuse,
      aheadEnd: aheadEnd(family, prompt, last.role === 'user' ? (last.images?.length ?? 0) : 0),
      maxNewTokens: Math.min(options.maxNewTokens, model.contextLength - prompt.ids.length),
    };
  }

  /** Runs the prompt tokens the KV cache does not hold (encoding their images) through the decoder. */
  async #prefill({ model, family, cache }: Loaded, run: GenerationRun, { prompt, imageDecodeMs, reuse, aheadEnd: split }: PreparedRun): Promise<DecoderOutputs> {
    await cache.truncate(reuse);
    run.timings.reusedPromptTokens = reuse;
    const started = performance.now();
    const embedTimings: PrefillTimings = { ...noPrefillTimings(), imagePreprocessMs: imageDecodeMs };
    if (family.encode) this.#encoderFeeds = await family.encode(model, prompt, embedTimings, this.#pixelsOf);
    // The prompt is run in the pieces work ahead of Enter runs it in: up to the end of the last
    // message's images, then the rest. Split or not, the answer is the same whenever the person
    // pressed Enter: with quantized weights ONNX Runtime quantizes each run's activations with
    // one scale per run, so how a prompt is cut into runs changes the logits (and greedy tokens of
    // near-ties; docs/performance.md, "Same answer whether prepared or not").
    const cuts = split !== null && reuse < split && split < prompt.ids.length ? [reuse, split, prompt.ids.length] : [reuse, prompt.ids.length];
    let outputs: DecoderOutputs | null = null;
    for (let i = 1; i < cuts.length; i++) {
      if (outputs) disposeOutputs(outputs, 'logits');
      outputs = await this.#prefillRange(model, family, cache, { ...prompt, ids: prompt.ids.slice(0, cuts[i]) }, cuts[i - 1]!, embedTimings);
    }
    // Their features are in the cache now: the pixels are only needed again if it is cut before
    // them. A family without KV reuse encodes them again for the next answer: they stay.
    if (kvReuseOf(family)) this.#images.dropPixels(prompt.images.map((image) => image.id));
    Object.assign(run.timings, embedTimings);
    // The prefill proper: token embeddings and the decoder, without the image work inside `embed`.
    run.timings.prefillMs = performance.now() - started - (embedTimings.imagePreprocessMs - imageDecodeMs) - embedTimings.visionEncodeMs;
    return outputs!;
  }

  /** Runs `prompt.ids` from `from` to its end through the decoder on top of the cache (which holds `from` tokens). */
  async #prefillRange(model: LoadedModel, family: VlmFamily, cache: KvCache, prompt: PreparedPrompt, from: number, timings: PrefillTimings): Promise<DecoderOutputs> {
    const embeds = await family.embed(model, prompt, from, timings, this.#features, this.#pixelsOf);
    const outputs = await this.#runDecoder(model, cache, embeds, prompt.ids.length - from, timings);
    cache.update(outputs, prompt.ids.slice(from), prompt);
    return outputs;
  }

  /** Picks tokens until end of answer, the length limit or an interrupt; says which. */
  async #decode(
    { model, family, cache }: Loaded,
    run: GenerationRun,
    { maxNewTokens }: PreparedRun,
    prefillOutputs: DecoderOutputs,
    options: GenerateOptions,
  ): Promise<'eos' | 'length' | 'stopped'> {
    const random = createRandom(options.sampling.kind === 'sample' ? options.sampling.seed : undefined);
    const stepTimings = noEmbedTimings();
    let outputs = prefillOutputs;
    for (;;) {
      if (await this.#stopRequested()) return 'stopped';
      const next = pickNextToken(lastLogits(outputs['logits']!), options.sampling, options.repetitionPenalty, run.tokenIds, random);
      if (next < 0) throw invalidLogits(model);
      if (model.eosTokenIds.includes(next)) return 'eos';
      run.push(next);
      if (run.tokenIds.length >= maxNewTokens) return 'length';
      if (this.#interruptRequested) return 'stopped';
      const embeds = await family.embed(model, { ids: [next], images: [], imageTokens: 0 }, 0, stepTimings, this.#features, this.#pixelsOf);
      outputs = await this.#runDecoder(model, cache, embeds, 1);
      cache.update(outputs, [next]);
      if (this.#gpuLost) throw new GpuDeviceLostError(this.#gpuLost);
    }
  }

  /** Lets queued messages (an interrupt) run, then says whether one asked to stop. */
  async #stopRequested(): Promise<boolean> {
    await yieldToEventLoop();
    return this.#interruptRequested;
  }

  /** A failed run: the partial answer with the error, or the error itself when nothing was generated. */
  async #fail({ cache }: Loaded, run: GenerationRun, error: unknown): Promise<GenerateResult> {
    // The cache may hold a half-run step: drop it so the next call starts clean.
    cache.clear();
    const message = error instanceof Error ? error.message : String(error);
    const lost = this.#gpuLost !== null || GPU_LOST_PATTERN.test(message);
    if (!lost && run.tokenIds.length === 0) throw error;
    const reported = lost ? new GpuDeviceLostError(`The GPU stopped working during the answer (${this.#gpuLost ?? message}).`) : error;
    if (lost) this.#gpuLost ??= message;
    return run.fail(describeError(reported));
  }

  /** Ends the running generation after the current step; its partial text is kept. */
  interrupt(): boolean {
    if (!this.#running) return false;
    this.#interruptRequested = true;
    return true;
  }

  /** Forgets the conversation: frees the KV cache and the decoded images (features stay: they are keyed by content). */
  async reset(): Promise<void> {
    if (this.#running) throw new GenerationBusyError('Stop the running generation before resetting.');
    await this.#stopPreparing();
    this.#loaded?.cache.clear();
    this.#images.clear();
  }

  /** Frees the model: every session, tensor and GPU buffer. */
  async unload(): Promise<void> {
    if (this.#running) throw new GenerationBusyError('Stop the running generation before unloading.');
    await this.#stopPreparing();
    const loaded = this.#loaded;
    this.#loaded = null;
    this.#gpuLogits = null;
    this.#images.clear();
    this.#features.clear();
    this.#answers.clear();
    if (!loaded) return;
    loaded.cache.clear();
    await loaded.model.dispose();
  }

  status(): WorkerStatus {
    return {
      loaded: this.#loaded?.result ?? null,
      running: this.#running,
      cachedTokens: this.#loaded?.cache.length ?? 0,
      imagesKept: this.#images.ids(),
      imagePixelBytes: this.#images.pixelBytes,
      imagePixelBudget: this.#images.budgetBytes,
      featureKeys: this.#features.keys(),
      featureBytes: this.#features.bytes,
      featureBudget: this.#features.budgetBytes,
      prepared: this.#prepared ? { tokens: this.#prepared.end - this.#prepared.start, imageKeys: this.#prepared.imageKeys } : null,
    };
  }
}

function kvReuseOf(family: VlmFamily): boolean {
  return family.traits.capabilities.multiTurnKvReuse;
}

/**
 * Where work ahead of Enter stops in `prompt`: the end of the last message's images (its last
 * `imageCount` images), for a family that prepares ahead; null when there is nothing to prepare.
 */
function aheadEnd(family: VlmFamily, prompt: PreparedPrompt, imageCount: number): number | null {
  if (!kvReuseOf(family) || !family.encodeImage || imageCount === 0) return null;
  return prompt.images.at(-1)?.endImageToken ?? null;
}

function prepareResult(outcome: PrepareResult['outcome'], preparedTokens = 0, imagesEncoded = 0, message?: string): PrepareResult {
  return { outcome, preparedTokens, imagesEncoded, ...(message ? { message } : {}) };
}

/** Frees the named outputs of a decoder run the caller does not read (GPU buffers on WebGPU). */
function disposeOutputs(outputs: DecoderOutputs, ...names: string[]): void {
  for (const name of names) (outputs[name] as { dispose?: () => void } | undefined)?.dispose?.();
}

/**
 * Logits with NaN or infinity: every token after them would be noise (greedy picks token 0 over
 * NaN), so the answer stops with the reason and the way out.
 */
function invalidLogits(model: LoadedModel): InvalidLogitsError {
  const dtype = model.dtype[decoderSessionName(model.entry.family)]!;
  const cure = model.device === 'webgpu' ? 'Reload the model on WASM (CPU)' + (dtype === 'fp32' ? '' : ' or with fp32 weights') : 'Reload the model with other weights (fp32)';
  return new InvalidLogitsError(
    `The model computed invalid numbers (NaN or infinity) on ${model.device === 'webgpu' ? 'WebGPU' : 'WASM'} with ${dtype} weights, so the answer stopped. ` +
      `This happens with half-precision weights on some GPUs. ${cure}.`,
    { device: model.device, dtype },
  );
}

/**
 * The last position's logits, in fp32. A view, not a copy, when they are fp32 already: the step's
 * outputs are the engine's own and nothing reads their logits after the pick (which may change
 * them: the repetition penalty). A copy was 197 KB of garbage per token at SmolVLM's vocabulary.
 */
function lastLogits(logits: OrtTensor): Float32Array {
  const vocab = logits.dims.at(-1)!;
  const data = logits.data as Float32Array | Uint16Array;
  const offset = data.length - vocab;
  if (data instanceof Float32Array) return data.subarray(offset);
  const last = new Tensor('float16', data.slice(offset), [vocab]).to('float32');
  return last.data as Float32Array;
}
