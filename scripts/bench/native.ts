/**
 * (c) The same ONNX files on onnxruntime-node (native CPU kernels, the same thread count), with
 * the greedy loop the app runs, written out over the three sessions: token embeddings, vision
 * encoder (image features replace the `<image>` rows), decoder with a KV cache fed back each step.
 * Preprocessing and the prompt come from transformers.js' processor, as on the other paths.
 *
 * Run as a child process so its thread pool and peak RSS are its own:
 *   tsx scripts/bench/native.ts '<json NativeOptions>'   -> prints one JSON line: PathRuns
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoProcessor, env, RawImage, type Processor } from '@huggingface/transformers';
import { emptyRuns } from '../../src/bench/core/report.ts';
import { WARMUP_TOKENS } from '../../src/bench/core/settings.ts';
import { benchImageRgb } from '../../src/bench/core/test-image.ts';
import type { BenchSettings, DetailName, DetailPlan, PathRuns } from '../../src/bench/core/types.ts';

export interface NativeOptions {
  modelDir: string;
  threads: number;
  /** transformers.js file suffix per session, as the app chose (`_quantized` for q8, '' for fp32). */
  suffixes: Record<'vision_encoder' | 'embed_tokens' | 'decoder_model_merged', string>;
  settings: BenchSettings;
  /** The plan each detail got in the browser (same processor arithmetic). */
  plans: Partial<Record<DetailName, DetailPlan>>;
  skipDetails: DetailName[];
}

type Sessions = Record<'vision' | 'embed' | 'decoder', ort.InferenceSession>;

async function createSessions(options: NativeOptions): Promise<Sessions> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const file = (name: keyof NativeOptions['suffixes']) => path.join(options.modelDir, 'onnx', `${name}${options.suffixes[name]}.onnx`);
  return {
    vision: await ort.InferenceSession.create(file('vision_encoder'), sessionOptions),
    embed: await ort.InferenceSession.create(file('embed_tokens'), sessionOptions),
    decoder: await ort.InferenceSession.create(file('decoder_model_merged'), sessionOptions),
  };
}

async function release(sessions: Sessions): Promise<void> {
  await Promise.all(Object.values(sessions).map((session) => session.release()));
}

function argmaxLastRow(logits: ort.Tensor): number {
  const vocab = logits.dims.at(-1)!;
  const data = logits.data as Float32Array;
  let best = 0;
  let bestValue = -Infinity;
  for (let i = data.length - vocab, j = 0; i < data.length; i++, j++) {
    if (data[i]! > bestValue) {
      bestValue = data[i]!;
      best = j;
    }
  }
  return best;
}

interface Answer {
  promptTokens: number;
  frames: number;
  preprocessMs: number;
  visionEncodeMs: number;
  prefillMs: number;
  timeToFirstTokenMs: number;
  tokenTimesMs: number[];
  tokenIds: number[];
}

async function answer(sessions: Sessions, processor: Processor, imageTokenId: number, options: NativeOptions, plan: DetailPlan, maxNewTokens: number): Promise<Answer> {
  const { settings } = options;
  const started = performance.now();
  const image = new RawImage(new Uint8ClampedArray(benchImageRgb(settings.imageSize)), settings.imageSize, settings.imageSize, 3);
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: settings.prompt }] }];
  const text = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
  const imageProcessor = (processor as unknown as { image_processor: { size: { longest_edge: number } } }).image_processor;
  const savedSize = imageProcessor.size;
  imageProcessor.size = { ...savedSize, longest_edge: plan.longestEdge };
  type Inputs = Record<'input_ids' | 'pixel_values' | 'pixel_attention_mask', { data: ArrayLike<unknown>; dims: number[]; type: string }>;
  let inputs: Inputs;
  try {
    inputs = await (processor as unknown as (t: string, i: RawImage[], o: object) => Promise<Inputs>)(text, [image], { do_image_splitting: plan.split });
  } finally {
    imageProcessor.size = savedSize;
  }
  const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
  const preprocessed = performance.now();

  const visionOut = await sessions.vision.run({
    pixel_values: new ort.Tensor('float32', inputs.pixel_values.data as Float32Array, inputs.pixel_values.dims),
    pixel_attention_mask: new ort.Tensor('bool', inputs.pixel_attention_mask.data as Uint8Array, inputs.pixel_attention_mask.dims),
  });
  const features = Object.values(visionOut)[0]!.data as Float32Array;
  const encoded = performance.now();

  const embed = async (tokenIds: number[]) => {
    const out = await sessions.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(tokenIds, BigInt), [1, tokenIds.length]) });
    return Object.values(out)[0]!;
  };
  const promptEmbeds = await embed(ids);
  const hidden = promptEmbeds.dims.at(-1)!;
  const target = promptEmbeds.data as Float32Array;
  let row = 0;
  ids.forEach((id, position) => {
    if (id !== imageTokenId) return;
    target.set(features.subarray(row * hidden, (row + 1) * hidden), position * hidden);
    row++;
  });
  if (row * hidden !== features.length) throw new Error(`${features.length / hidden} image feature rows for ${row} image tokens`);

  const pastNames = sessions.decoder.inputNames.filter((name) => name.startsWith('past_key_values.'));
  const kvShape = (sessions.decoder.inputMetadata.find((meta) => meta.name === pastNames[0]) as { shape?: (number | string)[] } | undefined)?.shape;
  const kvHeads = typeof kvShape?.[1] === 'number' ? kvShape[1] : 1;
  const headDim = typeof kvShape?.[3] === 'number' ? kvShape[3] : 1;
  let past: Record<string, ort.Tensor> = Object.fromEntries(pastNames.map((name) => [name, new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim])]));
  let length = 0;
  const step = async (embeds: ort.Tensor, count: number) => {
    const total = length + count;
    const outputs = await sessions.decoder.run({
      ...past,
      inputs_embeds: embeds,
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: count }, (_, i) => BigInt(length + i)), [1, count]),
    });
    past = Object.fromEntries(pastNames.map((name) => [name, outputs[name.replace('past_key_values.', 'present.')]!]));
    length = total;
    return argmaxLastRow(outputs['logits']!);
  };

  const tokenIds: number[] = [];
  const tokenTimesMs: number[] = [];
  let next = await step(new ort.Tensor('float32', target, promptEmbeds.dims), ids.length);
  for (;;) {
    tokenIds.push(next);
    tokenTimesMs.push(performance.now() - started);
    if (tokenIds.length >= maxNewTokens) break;
    next = await step(await embed([next]), 1);
  }
  return {
    promptTokens: ids.length,
    frames: inputs.pixel_values.dims[1]!,
    preprocessMs: preprocessed - started,
    visionEncodeMs: encoded - preprocessed,
    prefillMs: tokenTimesMs[0]! - (encoded - started),
    timeToFirstTokenMs: tokenTimesMs[0]!,
    tokenTimesMs,
    tokenIds,
  };
}

export async function runNative(options: NativeOptions, log: (message: string) => void = () => undefined): Promise<PathRuns> {
  const runs = emptyRuns();
  const { settings } = options;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${path.dirname(path.resolve(options.modelDir))}/`;
  const processor = await AutoProcessor.from_pretrained(path.basename(options.modelDir));
  const imageTokenId = (processor.tokenizer as unknown as { convert_tokens_to_ids(token: string): number }).convert_tokens_to_ids('<image>');

  // Loads: the first session creation of this process, then again with every file in the OS cache.
  for (let i = 0; i < Math.max(2, settings.loadRuns + 1); i++) {
    const started = performance.now();
    const sessions = await createSessions(options);
    runs.loads[i === 0 ? 'coldMs' : 'warmMs'].push(performance.now() - started);
    await release(sessions);
  }
  const sessions = await createSessions(options);
  runs.notes.push(`${options.threads} intra-op thread(s); files read from the OS page cache; image given as raw RGB (no PNG decode)`);

  const lowPlan = options.plans.low!;
  log('(c) warm-up');
  await answer(sessions, processor, imageTokenId, options, lowPlan, WARMUP_TOKENS);
  for (let run = 0; run < settings.runs; run++) {
    for (const detail of settings.details) {
      const plan = options.plans[detail];
      if (!plan || options.skipDetails.includes(detail) || (detail === 'high' && run >= settings.highRuns)) continue;
      const maxNewTokens = detail === 'low' ? settings.maxNewTokens : 1;
      log(`(c) run ${run + 1}/${settings.runs}: detail ${detail}, ${maxNewTokens} token(s)`);
      const result = await answer(sessions, processor, imageTokenId, options, plan, maxNewTokens);
      runs.prefill.push({
        detail,
        plan: { ...plan, frames: result.frames },
        promptTokens: result.promptTokens,
        preprocessMs: result.preprocessMs,
        visionEncodeMs: result.visionEncodeMs,
        prefillMs: result.prefillMs,
        timeToFirstTokenMs: result.timeToFirstTokenMs,
      });
      if (maxNewTokens > 1) runs.decode.push({ tokenTimesMs: result.tokenTimesMs, tokenIds: result.tokenIds });
    }
  }
  await release(sessions);
  runs.memory.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[2] ?? '{}') as NativeOptions;
  const runs = await runNative(options, (message) => console.error(`[bench] ${message}`));
  process.stdout.write(`${JSON.stringify(runs)}\n`);
}
