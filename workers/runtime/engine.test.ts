/**
 * The engine's steps with a fake model family: a "counting" model whose decoder always predicts
 * the token after the last one it was fed, up to an end-of-answer token. No ONNX files, no browser.
 */
import { RawImage, Tensor } from '@huggingface/transformers';
import { describe, expect, it, vi } from 'vitest';
import { ContextOverflowError, GenerationBusyError, InvalidLogitsError, InvalidRequestError, ModelDownloadError, ModelLoadError, ModelNotLoadedError, WebGpuUnavailableError } from '../errors.ts';
import type { LoadedModel, PreparedPrompt, PromptImage, VlmFamily } from '../families/family.ts';
import { FAMILY_TRAITS, mergeRegistry } from '../models/registry.ts';
import type { ChatTurn, Device, GenerateOptions, LoadProgress, WebGpuCapabilities } from '../protocol.ts';
import { VlmEngine } from './engine.ts';
import type { OrtSession, OrtTensor } from './ort-types.ts';

const VOCAB = 16;
const EOS = 0;
/** The counting model answers 4, 5, ... 11 after a prompt ending in 3, then ends. */
const LAST_WORD = 11;
const CONTEXT = 64;

const entry = mergeRegistry([
  {
    id: 'counting',
    contextLength: CONTEXT,
    files: ['config.json', 'onnx/vision_encoder.onnx', 'onnx/embed_tokens.onnx', 'onnx/decoder_model_merged.onnx'].map((path) => ({ path, size: 10 })),
  },
]).find((model) => model.id === 'counting')!;

const tensor = (data: Float32Array, dims: number[]) => new Tensor('float32', data, dims).ort_tensor as OrtTensor;

interface FakeOptions {
  /** Errors the family's load throws, per device. */
  loadFailures?: Partial<Record<Device, Error>>;
  /** Makes the decoder throw at this call (0 = the warm-up at load). */
  failOnRun?: { run: number; error: Error };
  /** Makes the decoder's logits NaN from this call on (as fp16 weights do on some GPUs). */
  nanFromRun?: number;
  /**
   * An encoder-decoder family (Florence-2's shape): an `encode` step per answer whose output every
   * decoder step must receive, and no multi-turn KV reuse.
   */
  encoderDecoder?: boolean;
  /** Images: each is IMAGE_TOKENS tokens (id 2) before its turn's words, its features encoded once. */
  images?: boolean;
  /** Holds every decoder run until this settles. */
  decoderGate?: Promise<void>;
}

const IMAGE_TOKENS = 4;

function fakeFamily(options: FakeOptions = {}) {
  const calls = {
    decoderRuns: 0,
    /** Tokens fed to each decoder run, in order. */
    fed: [] as number[],
    imagesEncoded: 0,
    loads: [] as Device[],
    encodes: 0,
    encoderStates: [] as (number | undefined)[],
    cacheBranches: [] as (boolean | undefined)[],
  };
  const decoder = {
    inputNames: [
      'inputs_embeds',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
      'past_key_values.0.value',
      ...(options.encoderDecoder ? ['encoder_hidden_states', 'use_cache_branch'] : []),
    ],
    inputMetadata: ['key', 'value'].map((kind) => ({ name: `past_key_values.0.${kind}`, isTensor: true, type: 'float32', shape: ['batch_size', 1, 'past_sequence_length', 1] })),
    async run(feeds: Record<string, OrtTensor>) {
      const run = calls.decoderRuns++;
      await options.decoderGate;
      if (options.failOnRun?.run === run) throw options.failOnRun.error;
      calls.encoderStates.push((feeds['encoder_hidden_states']?.data as Float32Array | undefined)?.[0]);
      calls.cacheBranches.push((feeds['use_cache_branch']?.data as Uint8Array | boolean[] | undefined)?.[0] === undefined ? undefined : Boolean(feeds['use_cache_branch']!.data[0]));
      const embeds = feeds['inputs_embeds']!.data as Float32Array;
      const fed = embeds.length;
      calls.fed.push(fed);
      const total = feeds['attention_mask']!.dims[1]!;
      const logits = new Float32Array(fed * VOCAB);
      const last = embeds[fed - 1]!;
      logits[(fed - 1) * VOCAB + (last >= LAST_WORD ? EOS : last + 1)] = 1;
      if (options.nanFromRun !== undefined && run >= options.nanFromRun) logits.fill(Number.NaN);
      const present = () => tensor(new Float32Array(total), [1, 1, total, 1]);
      return { logits: tensor(logits, [1, fed, VOCAB]), 'present.0.key': present(), 'present.0.value': present() };
    },
  } as unknown as OrtSession;
  const family: VlmFamily = {
    traits: {
      ...FAMILY_TRAITS.smolvlm,
      maxImagesPerMessage: 1,
      capabilities: { ...FAMILY_TRAITS.smolvlm.capabilities, multiTurnKvReuse: !options.encoderDecoder },
    },
    ...(options.encoderDecoder
      ? {
          // Each answer's encoder output is a new number: a decoder step fed an older one shows.
          async encode() {
            return { encoder_hidden_states: tensor(Float32Array.of(100 + calls.encodes++), [1, 1, 1]) };
          },
        }
      : {}),
    async load(loading, { device, dtype }, onProgress: (progress: LoadProgress) => void): Promise<LoadedModel> {
      calls.loads.push(device);
      const failure = options.loadFailures?.[device];
      if (failure) throw failure;
      onProgress({ phase: 'fetching', message: 'Downloading', files: [], loadedBytes: 0, totalBytes: 0 });
      return {
        entry: loading,
        device,
        dtype,
        decoder,
        contextLength: CONTEXT,
        eosTokenIds: [EOS],
        tokensPerFrame: 64,
        decode: (ids) => ids.map((id) => ` w${id}`).join(''),
        dispose: async () => undefined,
      };
    },
    // Per turn its images' tokens, one token per word; then 3 ("Assistant:").
    preparePrompt(model, conversation: readonly ChatTurn[], stored): PreparedPrompt {
      const ids: number[] = [];
      const images: PromptImage[] = [];
      for (const turn of conversation) {
        for (const { id } of turn.images ?? []) {
          if (!options.images) throw new Error('The counting model has no images.');
          const image = stored.get(id)!;
          const plan = { longestEdge: image.width, split: false, rows: 0, cols: 0, frames: 1, imageTokens: IMAGE_TOKENS };
          images.push({ key: image.contentHash ?? id, id, image, plan, firstImageToken: ids.length, endImageToken: ids.length + IMAGE_TOKENS });
          ids.push(...Array<number>(IMAGE_TOKENS).fill(2));
        }
        ids.push(...turn.text.split(/\s+/).map(() => 1));
      }
      ids.push(3);
      if (ids.length + 1 > model.contextLength) {
        throw new ContextOverflowError(`This conversation is ${ids.length} tokens.`, { promptTokens: ids.length, imageTokens: 0, contextLength: model.contextLength });
      }
      return { ids, images, imageTokens: images.length * IMAGE_TOKENS };
    },
    async encodeImage(_model, image, features, timings) {
      calls.imagesEncoded++;
      timings.imagesEncoded++;
      features.set(image.key, { data: new Float32Array(IMAGE_TOKENS), type: 'float32', rows: IMAGE_TOKENS, hidden: 1 });
    },
    async embed(model, prompt, start, timings, features) {
      for (const image of prompt.images) {
        if (image.endImageToken > start && !features.has(image.key)) await family.encodeImage!(model, image, features, timings, () => undefined as never);
      }
      const ids = prompt.ids.slice(start);
      return tensor(Float32Array.from(ids), [1, ids.length, 1]);
    },
  };
  return { family, calls };
}

function engineWith(gpu: Partial<WebGpuCapabilities>, options: FakeOptions = {}) {
  const { family, calls } = fakeFamily(options);
  const engine = new VlmEngine({
    listModels: async () => [entry],
    familyFor: () => family,
    webGpu: async () => ({ available: false, isSoftware: false, shaderF16: false, ...gpu }),
    configureRuntime: () => 4,
    gpuDevice: async () => undefined,
    // Two by two grey pixels, whatever was sent.
    decodeImage: async () => new RawImage(new Uint8ClampedArray(2 * 2 * 4).fill(128), 2, 2, 4),
  });
  return { engine, calls };
}

/** Loads the model and waits for its warm-up step, which on WASM runs after Ready (reset waits for it). */
async function loadSettled(engine: VlmEngine, options: Parameters<VlmEngine['load']>[1] = {}): Promise<void> {
  await engine.load('counting', options, () => undefined);
  await engine.reset();
}

const greedy = (maxNewTokens: number): GenerateOptions => ({ maxNewTokens, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' });
const question: ChatTurn[] = [{ role: 'user', text: 'Count for me' }];
const noGpu = { available: false, reason: 'No adapter here.' };

describe('VlmEngine load', () => {
  it('runs on WebGPU when there is one, else on WASM with the reason; asking for WebGPU without one is refused', async () => {
    const withGpu = engineWith({ available: true });
    expect((await withGpu.engine.load('counting', {}, () => undefined)).device).toBe('webgpu');

    const { engine } = engineWith(noGpu);
    await expect(engine.load('counting', { device: 'webgpu' }, () => undefined)).rejects.toThrow(WebGpuUnavailableError);
    const phases: string[] = [];
    const result = await engine.load('counting', { device: 'auto' }, (progress) => phases.push(progress.phase));
    expect(result).toMatchObject({ modelId: 'counting', device: 'wasm', fallbackReason: 'No adapter here.', wasmThreads: 4, bytes: 40, contextLength: CONTEXT });
    // On WASM the warm-up step runs after Ready.
    expect(phases).toEqual(['fetching', 'ready']);
    expect(engine.status().loaded).toEqual(result);

    const gpuPhases: string[] = [];
    await withGpu.engine.load('counting', {}, (progress) => gpuPhases.push(progress.phase));
    expect(gpuPhases).toEqual(['fetching', 'warming-up', 'ready']);
  });

  it('on WASM answers Ready before the warm-up step, and a question asked meanwhile runs after it', async () => {
    let open!: () => void;
    const { engine, calls } = engineWith(noGpu, { decoderGate: new Promise<void>((resolve) => (open = resolve)) });
    await engine.load('counting', {}, () => undefined);
    // The warm-up's step (one token) is under way and held.
    await vi.waitFor(() => expect(calls.decoderRuns).toBe(1));
    const answer = engine.generate(question, greedy(2), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Every run is held: a prefill that had not waited for the warm-up would have started.
    expect(calls.decoderRuns).toBe(1);
    open();
    expect(await answer).toMatchObject({ finishReason: 'length', tokenIds: [4, 5] });
    // The warm-up, then the question's prefill (3 words and "Assistant:") and one decoding step.
    expect(calls.fed).toEqual([1, 4, 1]);
  });

  it('on WASM a failed warm-up does not fail the load: the first question runs', async () => {
    const { engine } = engineWith(noGpu, { failOnRun: { run: 0, error: new Error('first run failed') } });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect((await engine.load('counting', {}, () => undefined)).device).toBe('wasm');
      expect(await engine.generate(question, greedy(2), () => undefined)).toMatchObject({ finishReason: 'length', tokenIds: [4, 5] });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Warming up .* failed: first run failed/));
    } finally {
      warn.mockRestore();
    }
  });

  it('falls back to WASM when WebGPU fails to load under auto, but not when a model file is the problem', async () => {
    const gpuFails = engineWith({ available: true }, { loadFailures: { webgpu: new Error('shader compilation failed') } });
    const result = await gpuFails.engine.load('counting', {}, () => undefined);
    expect(result.device).toBe('wasm');
    expect(result.fallbackReason).toMatch(/WebGPU failed to load the model \(shader compilation failed\)/);

    const offline = new ModelDownloadError('You are offline.', { modelId: 'counting', file: 'config.json', offline: true });
    const fileFails = engineWith({ available: true }, { loadFailures: { webgpu: offline } });
    await expect(fileFails.engine.load('counting', {}, () => undefined)).rejects.toBe(offline);
    expect(fileFails.calls.loads).toEqual(['webgpu']);
  });

  it('names an unknown model', async () => {
    const { engine } = engineWith(noGpu);
    const error = await engine.load('nope', {}, () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).facts).toEqual({ modelId: 'nope' });
  });
});

describe('VlmEngine generate', () => {
  it('streams the answer and ends at the end-of-answer token, with timings', async () => {
    const { engine } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    const pieces: { piece: string; tokens: number }[] = [];
    const result = await engine.generate(question, greedy(100), (piece, tokens) => pieces.push({ piece, tokens }));
    expect(result.finishReason).toBe('eos');
    expect(result.tokenIds).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(result.text).toBe('w4 w5 w6 w7 w8 w9 w10 w11');
    expect(pieces.map((p) => p.piece).join('').trimStart()).toBe(result.text);
    expect(pieces.reduce((sum, p) => sum + p.tokens, 0)).toBe(8);
    expect(result.timings).toMatchObject({ promptTokens: 4, newTokens: 8, reusedPromptTokens: 0 });
    // Every answer token was fed back, the last one to learn that the answer ends there.
    expect(engine.status()).toMatchObject({ running: false, cachedTokens: 4 + 8 });
  });

  it('stops at the length limit, and a follow-up reuses the cached prefix', async () => {
    const { engine } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    const first = await engine.generate(question, greedy(3), () => undefined);
    expect(first).toMatchObject({ finishReason: 'length', tokenIds: [4, 5, 6] });
    const again = await engine.generate(question, greedy(3), () => undefined);
    expect(again.timings.reusedPromptTokens).toBe(3);
    expect(again.tokenIds).toEqual(first.tokenIds);
  });

  it('continues an unfinished answer, its text kept as the model wrote it; an unfinished turn elsewhere is refused', async () => {
    const { engine } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    const pieces: string[] = [];
    const result = await engine.generate([...question, { role: 'assistant', text: 'w4 w5', unfinished: true }], greedy(3), (piece) => pieces.push(piece));
    // The leading space is part of the continuation: it goes right after "w5".
    expect(result).toMatchObject({ finishReason: 'length', tokenIds: [4, 5, 6], text: ' w4 w5 w6' });
    expect(pieces.join('')).toBe(result.text);

    const refused = [
      [{ role: 'assistant', text: 'w4' }],
      [...question, { role: 'assistant', text: 'w4', unfinished: true }, { role: 'user', text: 'More' }],
      [{ role: 'user', text: 'Count', unfinished: true }],
    ] satisfies ChatTurn[][];
    for (const conversation of refused) await expect(engine.generate(conversation, greedy(3), () => undefined)).rejects.toThrow(InvalidRequestError);
    expect(engine.status().running).toBe(false);
  });

  it('an interrupt stops at the next step and keeps the partial text', async () => {
    const { engine } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    const result = await engine.generate(question, greedy(100), () => engine.interrupt());
    expect(result.finishReason).toBe('stopped');
    expect(result.tokenIds).toEqual([4]);
    expect(result.text).toBe('w4');
    expect(engine.interrupt()).toBe(false);
  });

  it('an interrupt queued right behind the call stops it before the prefill', async () => {
    const { engine, calls } = engineWith(noGpu);
    await loadSettled(engine);
    const runsAfterLoad = calls.decoderRuns;
    const running = engine.generate(question, greedy(100), () => undefined);
    expect(engine.interrupt()).toBe(true);
    const result = await running;
    expect(result).toMatchObject({ finishReason: 'stopped', tokenIds: [], text: '' });
    expect(calls.decoderRuns).toBe(runsAfterLoad);
    expect(engine.status().running).toBe(false);
  });

  it('refuses a second generate while one runs, and any before a model is loaded', async () => {
    const { engine } = engineWith(noGpu);
    await expect(engine.generate(question, greedy(2), () => undefined)).rejects.toThrow(ModelNotLoadedError);
    await engine.load('counting', {}, () => undefined);
    const first = engine.generate(question, greedy(2), () => undefined);
    await expect(engine.generate(question, greedy(2), () => undefined)).rejects.toThrow(GenerationBusyError);
    expect((await first).finishReason).toBe('length');
  });

  it('estimates an overflowing conversation from the error it carries', async () => {
    const { engine } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    const long: ChatTurn[] = [{ role: 'user', text: 'word '.repeat(80).trim() }];
    expect(await engine.estimate(long, 'low')).toEqual({ promptTokens: 81, imageTokens: 0, contextLength: CONTEXT, images: [] });
    await expect(engine.generate(long, greedy(2), () => undefined)).rejects.toThrow(ContextOverflowError);
  });

  it('a failure after the first token ends the run with the partial text and the error; before it, the call rejects', async () => {
    // Run 0 is the warm-up, run 1 the prefill, run 2 the first decoding step.
    const late = engineWith(noGpu, { failOnRun: { run: 2, error: new Error('kernel failed') } });
    await late.engine.load('counting', {}, () => undefined);
    const result = await late.engine.generate(question, greedy(100), () => undefined);
    expect(result).toMatchObject({ finishReason: 'error', tokenIds: [4], text: 'w4', error: { name: 'Error', message: 'kernel failed' } });
    expect(late.engine.status().cachedTokens).toBe(0);

    const early = engineWith(noGpu, { failOnRun: { run: 1, error: new Error('prefill failed') } });
    await early.engine.load('counting', {}, () => undefined);
    await expect(early.engine.generate(question, greedy(100), () => undefined)).rejects.toThrow('prefill failed');
    expect(early.engine.status().running).toBe(false);
  });

  it('NaN logits stop the answer with InvalidLogitsError naming the device and weights, keeping what came before', async () => {
    const late = engineWith(noGpu, { nanFromRun: 2 });
    await late.engine.load('counting', {}, () => undefined);
    const result = await late.engine.generate(question, greedy(100), () => undefined);
    expect(result).toMatchObject({ finishReason: 'error', tokenIds: [4], text: 'w4', error: { name: 'InvalidLogitsError', device: 'wasm' } });
    expect(result.error?.message).toMatch(/invalid numbers \(NaN or infinity\) on WASM/);

    const early = engineWith(noGpu, { nanFromRun: 1 });
    await early.engine.load('counting', {}, () => undefined);
    await expect(early.engine.generate(question, greedy(100), () => undefined)).rejects.toThrow(InvalidLogitsError);
  });

  it('a lost GPU ends the run as GpuDeviceLostError, even before the first token, and the engine says to reload', async () => {
    const { engine } = engineWith(noGpu, { failOnRun: { run: 1, error: new Error('GPUDevice was lost') } });
    await engine.load('counting', {}, () => undefined);
    const result = await engine.generate(question, greedy(100), () => undefined);
    expect(result).toMatchObject({ finishReason: 'error', tokenIds: [], error: { name: 'GpuDeviceLostError' } });
    await expect(engine.generate(question, greedy(2), () => undefined)).rejects.toThrow(/The GPU was lost/);
  });
});

describe('VlmEngine with an encoder-decoder family', () => {
  it('runs the encoder once per answer, feeds its output to every decoder step, and prefills every answer afresh', async () => {
    const { engine, calls } = engineWith(noGpu, { encoderDecoder: true });
    await loadSettled(engine);
    expect(calls.encodes).toBe(1); // the warm-up
    const runsBefore = calls.decoderRuns;
    const first = await engine.generate(question, greedy(3), () => undefined);
    expect(first).toMatchObject({ finishReason: 'length', tokenIds: [4, 5, 6] });
    // Prefill + two decoding steps, all with this answer's encoder output; the cache branch is
    // taken from the first decoding step on.
    expect(calls.encoderStates.slice(runsBefore)).toEqual([101, 101, 101]);
    expect(calls.cacheBranches.slice(runsBefore)).toEqual([false, true, true]);

    const again = await engine.generate(question, greedy(3), () => undefined);
    // No multi-turn KV reuse: nothing comes from the cache, the encoder runs again.
    expect(again.timings.reusedPromptTokens).toBe(0);
    expect(again.tokenIds).toEqual(first.tokenIds);
    expect(calls.encodes).toBe(3);
    expect(calls.encoderStates.slice(runsBefore + 3)).toEqual([102, 102, 102]);
    expect(calls.cacheBranches.slice(runsBefore + 3)).toEqual([false, true, true]);
  });

  it('a decoder-only family reuses the cache for the same question', async () => {
    const { engine, calls } = engineWith(noGpu);
    await engine.load('counting', {}, () => undefined);
    await engine.generate(question, greedy(3), () => undefined);
    const again = await engine.generate(question, greedy(3), () => undefined);
    expect(again.timings.reusedPromptTokens).toBe(3);
    expect(calls.encodes).toBe(0);
    expect(calls.encoderStates.every((state) => state === undefined)).toBe(true);
  });
});

describe('VlmEngine work ahead of Enter', () => {
  it('runs the prompt in the same decoder runs whether its image was prepared ahead or not, so the answer is the same', async () => {
    // With quantized weights each run's activations get their own scale: other cuts, other logits.
    const photo = { id: 'photo', source: { bytes: new ArrayBuffer(8), type: 'image/png' } };
    const asked: ChatTurn[] = [{ role: 'user', text: 'What is this', images: [photo] }];
    const answer = async (prepareFirst: boolean) => {
      const { engine, calls } = engineWith(noGpu, { images: true });
      await loadSettled(engine, { device: 'wasm' });
      const loadRuns = calls.fed.length;
      const ahead = prepareFirst ? await engine.prepare([{ ...asked[0]!, text: '' }], 'low') : null;
      const result = await engine.generate(asked, greedy(100), () => undefined);
      return { ahead, result, runs: calls.fed.slice(loadRuns), imagesEncoded: calls.imagesEncoded };
    };
    const cold = await answer(false);
    const prepared = await answer(true);
    expect(prepared.ahead).toMatchObject({ outcome: 'prepared', preparedTokens: IMAGE_TOKENS, imagesEncoded: 1 });
    expect(prepared.result.timings.reusedPromptTokens).toBe(IMAGE_TOKENS);
    expect(cold.result.timings.reusedPromptTokens).toBe(0);
    // The image's tokens, then the question's 3 words and "Assistant:", then one token per step.
    expect(cold.runs.slice(0, 3)).toEqual([IMAGE_TOKENS, 4, 1]);
    expect(prepared.runs).toEqual(cold.runs);
    expect(prepared.imagesEncoded).toBe(1);
    expect(prepared.result.tokenIds).toEqual(cold.result.tokenIds);
    expect(cold.result.tokenIds).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
