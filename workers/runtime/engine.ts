/**
 * The model runtime: loads a model on the best device (WebGPU, falling back to WASM with the
 * reason), runs one generation at a time with a KV cache reused across turns, streams text, and
 * frees every session and GPU buffer on unload. Family-specific work (prompt layout, image
 * encoding) lives in workers/families.
 */
import { env, Tensor } from '@huggingface/transformers';
import {
  ContextOverflowError,
  GenerationBusyError,
  GpuDeviceLostError,
  InvalidRequestError,
  ModelLoadError,
  ModelNotLoadedError,
  WebGpuUnavailableError,
  describeError,
  isModelFileError,
} from '../errors.ts';
import { familyFor } from '../families/index.ts';
import type { EmbedTimings, LoadedModel, PreparedPrompt, VlmFamily } from '../families/family.ts';
import { planDevices } from '../models/dtype-policy.ts';
import { availableDtypes, fetchOriginIndex, filesForDtypes, mergeRegistry, type ModelEntry } from '../models/registry.ts';
import type {
  ChatTurn,
  Device,
  FinishReason,
  GenerateOptions,
  GenerateResult,
  GenerationTimings,
  RuntimeLoadOptions,
  LoadProgress,
  LoadResult,
  PromptEstimate,
  TokenCallback,
} from '../protocol.ts';
import { webGpuCapabilities } from './capabilities.ts';
import { ImageStore } from './image-store.ts';
import { KvCache } from './kv-cache.ts';
import { configureOnnxRuntime, configuredWasmThreads, defaultWasmThreads } from './ort-env.ts';
import type { OrtTensor } from './ort-types.ts';
import { createRandom, pickNextToken } from './sampling.ts';
import { IncrementalDetokenizer } from './text-stream.ts';
import { PieceSender } from './piece-sender.ts';
import { yieldToEventLoop } from './yield.ts';

interface Loaded {
  model: LoadedModel;
  family: VlmFamily;
  cache: KvCache;
  result: LoadResult;
}

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
  if (!['low', 'auto', 'high'].includes(options.detail)) throw new InvalidRequestError(`Unknown image detail ${String(options.detail)}.`);
}

export class VlmEngine {
  private loaded: Loaded | null = null;
  private readonly images = new ImageStore();
  private running = false;
  private interruptRequested = false;
  private gpuLost: string | null = null;

  /** The registry as this origin sees it (curated + `/models/index.json`). */
  async listModels(): Promise<ModelEntry[]> {
    return mergeRegistry(await fetchOriginIndex());
  }

  async load(modelId: string, options: RuntimeLoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadResult> {
    if (this.running) throw new GenerationBusyError('A generation is running; stop it before loading another model.');
    const started = performance.now();
    const entry = (await this.listModels()).find((candidate) => candidate.id === modelId);
    if (!entry) throw new ModelLoadError(`Unknown model "${modelId}". Pick one from the list or add it to /models/index.json.`, { modelId });
    await this.unload();
    configureOnnxRuntime(options.wasmThreads ?? defaultWasmThreads());

    const requested = options.device ?? 'auto';
    const gpu = await webGpuCapabilities();
    let fallbackReason: string | undefined;
    const candidates: Device[] = [];
    if (requested === 'webgpu' || requested === 'auto') {
      if (gpu.available) candidates.push('webgpu');
      else if (requested === 'webgpu') throw new WebGpuUnavailableError(gpu.reason ?? 'WebGPU is not available.');
      else fallbackReason = gpu.reason;
    }
    if (requested !== 'webgpu') candidates.push('wasm');

    const family = familyFor(entry.family);
    const { plans, skipped } = planDevices(availableDtypes(entry), candidates, gpu.shaderF16, requested, options.dtype);
    if (skipped) fallbackReason = skipped;
    for (const { device, dtype } of plans) {
      try {
        const model = await family.load(entry, device, dtype, onProgress);
        onProgress({ phase: 'warming-up', message: device === 'webgpu' ? 'Warming up the GPU' : 'Warming up', files: [], loadedBytes: 0, totalBytes: 0 });
        await this.warmUp(model);
        const result: LoadResult = {
          modelId: entry.id,
          device,
          dtype,
          bytes: filesForDtypes(entry, dtype).bytes,
          ...(fallbackReason ? { fallbackReason } : {}),
          wasmThreads: configuredWasmThreads(),
          contextLength: model.contextLength,
          imageTokensPerFrame: model.tokensPerFrame,
          loadMs: performance.now() - started,
        };
        this.loaded = { model, family, cache: new KvCache(model.decoder), result };
        this.gpuLost = null;
        if (device === 'webgpu') await this.watchGpuDevice(model);
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

  /** One decoder step on a single token so shaders/kernels are compiled before the first question. */
  private async warmUp(model: LoadedModel): Promise<void> {
    const cache = new KvCache(model.decoder);
    const family = familyFor(model.entry.family);
    const prompt: PreparedPrompt = { ids: [model.eosTokenIds[0] ?? 0], images: [], imageTokens: 0 };
    const embeds = await family.embed(model, prompt, 0, { imagePreprocessMs: 0, visionEncodeMs: 0, imagesEncoded: 0 });
    const outputs = await this.runDecoder(model, cache, embeds, 1);
    cache.update(outputs, prompt.ids);
    cache.clear();
  }

  private async watchGpuDevice(model: LoadedModel): Promise<void> {
    const webgpu = env.backends.onnx.webgpu as { device?: GPUDevice | Promise<GPUDevice> } | undefined;
    const device = await webgpu?.device;
    device?.lost.then((info) => {
      // Releasing the sessions on unload also ends the device; only a loss under this model counts.
      if (this.loaded?.model === model) this.gpuLost = info.message || `GPU device lost (${info.reason})`;
    });
  }

  /** For tests and diagnostics: destroys the GPU device as a driver reset would. */
  async simulateGpuDeviceLoss(): Promise<boolean> {
    const webgpu = env.backends.onnx.webgpu as { device?: GPUDevice | Promise<GPUDevice> } | undefined;
    const device = this.loaded?.result.device === 'webgpu' ? await webgpu?.device : undefined;
    device?.destroy();
    return Boolean(device);
  }

  private async runDecoder(model: LoadedModel, cache: KvCache, embeds: OrtTensor, newTokens: number): Promise<Record<string, OrtTensor>> {
    const total = cache.length + newTokens;
    const attentionMask = new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
    const positions = new Tensor('int64', BigInt64Array.from({ length: newTokens }, (_, i) => BigInt(cache.length + i)), [1, newTokens]);
    const feeds: Record<string, OrtTensor> = {
      ...cache.feeds(),
      inputs_embeds: embeds,
      attention_mask: attentionMask.ort_tensor as OrtTensor,
      position_ids: positions.ort_tensor as OrtTensor,
    };
    const needed = Object.fromEntries(model.decoder.inputNames.filter((name) => name in feeds).map((name) => [name, feeds[name]!]));
    return (await model.decoder.run(needed)) as Record<string, OrtTensor>;
  }

  /** Token count of a conversation under the given detail, without running anything. */
  async estimate(conversation: ChatTurn[], detail: GenerateOptions['detail']): Promise<PromptEstimate> {
    const loaded = this.requireLoaded();
    await this.images.ingest(conversation);
    let prompt: PreparedPrompt;
    try {
      prompt = loaded.family.preparePrompt(loaded.model, conversation, this.images.map, detail);
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

  private requireLoaded(): Loaded {
    if (!this.loaded) throw new ModelNotLoadedError('No model is loaded yet. Load one first.');
    if (this.gpuLost) throw new GpuDeviceLostError(`The GPU was lost (${this.gpuLost}). Reload the model.`);
    return this.loaded;
  }

  async generate(conversation: ChatTurn[], options: GenerateOptions, onToken: TokenCallback): Promise<GenerateResult> {
    if (this.running) throw new GenerationBusyError('A generation is already running. Stop it or wait for it to finish.');
    const loaded = this.requireLoaded();
    validateGenerateOptions(options);
    if (!Array.isArray(conversation) || conversation.length === 0 || conversation.at(-1)?.role !== 'user') {
      throw new InvalidRequestError('The conversation must end with a user turn.');
    }
    this.running = true;
    this.interruptRequested = false;
    const started = performance.now();
    const { model, family, cache } = loaded;
    const timings: GenerationTimings = {
      imagePreprocessMs: 0,
      visionEncodeMs: 0,
      prefillMs: 0,
      timeToFirstTokenMs: 0,
      decodeMs: 0,
      decodeTokensPerSecond: 0,
      totalMs: 0,
      promptTokens: 0,
      imageTokens: 0,
      reusedPromptTokens: 0,
      imagesEncoded: 0,
      newTokens: 0,
    };
    const generated: number[] = [];
    const stream = new IncrementalDetokenizer(model.decode);
    let text = '';
    // Decoding never waits for the page; the result waits for the last piece (its port is not the
    // callback's), so the page never sees the end before all of the text.
    const pieces = new PieceSender(onToken);
    const emit = (piece: string, tokens: number) => {
      text += piece;
      pieces.push(piece, tokens);
    };
    try {
      const imageStart = performance.now();
      await this.images.ingest(conversation);
      const decodeImagesMs = performance.now() - imageStart;
      const prompt = family.preparePrompt(model, conversation, this.images.map, options.detail);
      timings.promptTokens = prompt.ids.length;
      timings.imageTokens = prompt.imageTokens;
      const maxNewTokens = Math.min(options.maxNewTokens, model.contextLength - prompt.ids.length);
      // An interrupt the page sent right after posting this call is queued behind it: take it
      // before the prefill, the costliest step.
      await yieldToEventLoop();
      if (this.interruptRequested) {
        timings.totalMs = performance.now() - started;
        return { text: '', finishReason: 'stopped', timings, tokenIds: [] };
      }

      const reuse = cache.reusablePrefix(prompt);
      await cache.truncate(reuse);
      timings.reusedPromptTokens = reuse;

      const prefillStart = performance.now();
      const embedTimings: EmbedTimings = { imagePreprocessMs: decodeImagesMs, visionEncodeMs: 0, imagesEncoded: 0 };
      const embeds = await family.embed(model, prompt, reuse, embedTimings);
      let outputs = await this.runDecoder(model, cache, embeds, prompt.ids.length - reuse);
      cache.update(outputs, prompt.ids.slice(reuse), prompt);
      Object.assign(timings, embedTimings);
      timings.prefillMs = performance.now() - prefillStart - (embedTimings.imagePreprocessMs - decodeImagesMs) - embedTimings.visionEncodeMs;

      const random = createRandom(options.sampling.kind === 'sample' ? options.sampling.seed : undefined);
      let finishReason: FinishReason = 'length';
      let firstTokenAt = 0;
      for (;;) {
        await yieldToEventLoop();
        if (this.interruptRequested) {
          finishReason = 'stopped';
          break;
        }
        const logits = lastLogits(outputs['logits']!);
        const next = pickNextToken(logits, options.sampling, options.repetitionPenalty, generated, random);
        if (model.eosTokenIds.includes(next)) {
          finishReason = 'eos';
          break;
        }
        generated.push(next);
        emit(stream.push(next), 1);
        if (generated.length === 1) {
          firstTokenAt = performance.now();
          timings.timeToFirstTokenMs = firstTokenAt - started;
        }
        if (generated.length >= maxNewTokens) {
          finishReason = 'length';
          break;
        }
        if (this.interruptRequested) {
          finishReason = 'stopped';
          break;
        }
        const stepEmbeds = await family.embed(model, { ids: [next], images: [], imageTokens: 0 }, 0, embedTimings);
        outputs = await this.runDecoder(model, cache, stepEmbeds, 1);
        cache.update(outputs, [next]);
        if (this.gpuLost) throw new GpuDeviceLostError(this.gpuLost);
      }
      emit(stream.finish().remainder, 0);
      await pieces.drained();
      timings.newTokens = generated.length;
      if (firstTokenAt) {
        timings.decodeMs = performance.now() - firstTokenAt;
        timings.decodeTokensPerSecond = generated.length > 1 ? ((generated.length - 1) * 1000) / timings.decodeMs : 0;
      }
      timings.totalMs = performance.now() - started;
      return { text: text.trim() === '' ? '' : text.replace(/^\s+/, ''), finishReason, timings, tokenIds: generated };
    } catch (error) {
      // The cache may hold a half-run step: drop it so the next call starts clean.
      cache.clear();
      const lost = this.gpuLost !== null || GPU_LOST_PATTERN.test((error as Error)?.message ?? '');
      const reported = lost ? new GpuDeviceLostError(`The GPU stopped working during the answer (${this.gpuLost ?? (error as Error).message}).`) : error;
      if (lost) this.gpuLost ??= (error as Error).message;
      if (generated.length === 0 && !lost) throw reported;
      timings.newTokens = generated.length;
      timings.totalMs = performance.now() - started;
      await pieces.drained();
      return { text: text.replace(/^\s+/, ''), finishReason: 'error', timings, tokenIds: generated, error: describeError(reported) };
    } finally {
      this.running = false;
      this.interruptRequested = false;
    }
  }

  /** Ends the running generation after the current step; its partial text is kept. */
  interrupt(): boolean {
    if (!this.running) return false;
    this.interruptRequested = true;
    return true;
  }

  /** Forgets the conversation: frees the KV cache and the decoded images. */
  reset(): void {
    if (this.running) throw new GenerationBusyError('Stop the running generation before resetting.');
    this.loaded?.cache.clear();
    this.images.clear();
  }

  /** Frees the model: every session, tensor and GPU buffer. */
  async unload(): Promise<void> {
    if (this.running) throw new GenerationBusyError('Stop the running generation before unloading.');
    const loaded = this.loaded;
    this.loaded = null;
    this.images.clear();
    if (!loaded) return;
    loaded.cache.clear();
    await loaded.model.dispose();
  }

  status(): { loaded: LoadResult | null; running: boolean; cachedTokens: number; imagesKept: string[] } {
    return { loaded: this.loaded?.result ?? null, running: this.running, cachedTokens: this.loaded?.cache.length ?? 0, imagesKept: this.images.ids() };
  }
}

/** The last position's logits as float32 (copied: sampling mutates them). */
function lastLogits(logits: OrtTensor): Float32Array {
  const vocab = logits.dims.at(-1)!;
  const data = logits.data as Float32Array | Uint16Array;
  const offset = data.length - vocab;
  if (data instanceof Float32Array) return data.slice(offset);
  const last = new Tensor('float16', data.slice(offset), [vocab]).to('float32');
  return last.data as Float32Array;
}
