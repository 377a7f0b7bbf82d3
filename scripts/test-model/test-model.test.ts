/**
 * Generates the tiny test model into a temp folder and checks that
 * transformers.js (Node, onnxruntime-node) loads and runs it exactly like the
 * real SmolVLM-256M-Instruct export.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  AutoTokenizer,
  env,
  RawImage,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestModel, type GenerateResult } from './generate.js';
import { PRESETS } from './presets.js';

const preset = PRESETS.tiny;
const hidden = preset.text.hiddenSize;

let root: string;
let result: GenerateResult;
let tokenizer: PreTrainedTokenizer;
let processor: Processor;
let model: PreTrainedModel;
let imageTokenId: number;

/** A synthetic RGB image; f gives the channel value at (x, y). */
function makeImage(width: number, height: number, f: (x: number, y: number, c: number) => number): RawImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = f(x, y, c);
  }
  return new RawImage(data, width, height, 3);
}
const gradient = (size: number): RawImage => makeImage(size, size, (x, y, c) => (x * 3 + y * (c + 1)) & 255);
const checkerboard = (size: number): RawImage =>
  makeImage(size, size, (x, y, c) => (((x >> 4) + (y >> 4)) % 2 ? (c === 0 ? 255 : 0) : 30));

const PROMPT_MESSAGES = [
  { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is this?' }] },
];

function prompt(): string {
  return tokenizer.apply_chat_template(PROMPT_MESSAGES as never, { add_generation_prompt: true, tokenize: false }) as string;
}

function ids(t: Tensor): number[] {
  return (t.tolist() as Array<Array<number | bigint>>)[0]!.map(Number);
}

async function generateIds(image: RawImage): Promise<{ promptLength: number; newIds: number[] }> {
  const inputs = await processor(prompt(), [image]);
  const inputIds = inputs.input_ids as Tensor;
  const out = (await model.generate({ ...inputs, max_new_tokens: 20, do_sample: false })) as Tensor;
  const all = ids(out);
  return { promptLength: inputIds.dims[1]!, newIds: all.slice(inputIds.dims[1]!) };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'smolvlm-test-model-'));
  result = await generateTestModel({ preset: 'tiny', outDir: path.join(root, 'a', 'SmolVLM-test-tiny'), projectRoot: root });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.join(root, 'a');
  tokenizer = await AutoTokenizer.from_pretrained('SmolVLM-test-tiny');
  processor = await AutoProcessor.from_pretrained('SmolVLM-test-tiny');
  model = await AutoModelForImageTextToText.from_pretrained('SmolVLM-test-tiny', { dtype: 'fp32' });
  imageTokenId = tokenizer.convert_tokens_to_ids('<image>') as number;
}, 60_000);

afterAll(async () => {
  await model?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('generated files', () => {
  it('writes every file, small, and is byte-identical for the same seed', async () => {
    const names = result.files.map((f) => f.path).sort();
    expect(names).toEqual(
      [
        'chat_template.json',
        'config.json',
        'generation_config.json',
        'onnx/decoder_model_merged.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/vision_encoder.onnx',
        'preprocessor_config.json',
        'processor_config.json',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    const total = result.files.reduce((sum, f) => sum + f.size, 0);
    expect(total).toBeLessThan(5e6);
    expect(result.indexPath).toBeNull(); // not under <projectRoot>/public/models

    const again = await generateTestModel({ preset: 'tiny', outDir: path.join(root, 'b', 'x'), projectRoot: root });
    expect(again.files).toEqual(result.files);
    const otherSeed = await generateTestModel({ preset: 'tiny', seed: 7, outDir: path.join(root, 'c', 'x'), projectRoot: root });
    const sha = (r: GenerateResult, p: string): string | undefined => r.files.find((f) => f.path === p)?.sha256;
    expect(sha(otherSeed, 'onnx/decoder_model_merged.onnx')).not.toBe(sha(result, 'onnx/decoder_model_merged.onnx'));
    expect(sha(otherSeed, 'tokenizer.json')).toBe(sha(result, 'tokenizer.json'));
  });

  it('writes public/models/index.json entries, merging by id', async () => {
    const first = await generateTestModel({ preset: 'tiny', id: 'one', projectRoot: root });
    await generateTestModel({ preset: 'tiny', id: 'two', projectRoot: root });
    await generateTestModel({ preset: 'tiny', id: 'one', seed: 3, projectRoot: root });
    expect(first.outDir).toBe(path.join(root, 'public', 'models', 'one'));
    const index = JSON.parse(await readFile(path.join(root, 'public', 'models', 'index.json'), 'utf8')) as {
      models: Array<{ id: string; family: string; contextLength: number; files: unknown[]; name: string }>;
    };
    expect(index.models.map((m) => m.id)).toEqual(['one', 'two']);
    expect(index.models[0]!.name).toContain('seed 3');
    expect(index.models[0]!.family).toBe('smolvlm');
    expect(index.models[0]!.contextLength).toBe(preset.text.maxPositionEmbeddings);
    expect(index.models[0]!.files).toHaveLength(11);
  });
});

describe('tokenizer', () => {
  it('renders the real SmolVLM chat template', () => {
    expect(prompt()).toBe('<|im_start|>User:<image>What is this?<end_of_utterance>\nAssistant:');
  });

  it('round-trips ASCII text with few tokens for common words', () => {
    const text = 'User: Describe the image, please! It has 12 cats.\nAssistant: The image shows a dog.';
    const encoded = tokenizer.encode(text, { add_special_tokens: false });
    expect(tokenizer.decode(encoded)).toBe(text);
    expect(encoded.length).toBeLessThan(text.length / 2);
    for (const word of ['User', 'Assistant', ' the', ' image', ' this']) {
      expect(tokenizer.encode(word, { add_special_tokens: false })).toHaveLength(1);
    }
  });

  it('encodes each special token to exactly one id', () => {
    const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<fake_token_around_image>', '<image>', '<end_of_utterance>', '<global-img>'];
    for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) specials.push(`<row_${r}_col_${c}>`);
    const seen = new Set<number>();
    for (const s of specials) {
      const encoded = tokenizer.encode(s, { add_special_tokens: false });
      expect(encoded, s).toHaveLength(1);
      seen.add(encoded[0]!);
    }
    expect(seen.size).toBe(specials.length);
    expect(tokenizer.encode('<|im_start|>', { add_special_tokens: false })).toEqual([1]);
  });
});

describe('vision encoder via transformers.js', () => {
  it('gives [1, 64, hidden] features for a 512x512 image without splitting', async () => {
    const inputs = await processor(prompt(), [gradient(512)], { do_image_splitting: false });
    expect((inputs.pixel_values as Tensor).dims).toEqual([1, 1, 3, 512, 512]);
    expect(ids(inputs.input_ids as Tensor).filter((t) => t === imageTokenId)).toHaveLength(64);
    const features = (await model.encode_image(inputs)) as Tensor;
    expect(features.dims).toEqual([1, 64, hidden]);
  });

  it('gives 17 frames of 64 tokens with default splitting (1088 <image> tokens for a 224 px image)', async () => {
    const inputs = await processor(prompt(), [gradient(224)]);
    expect((inputs.pixel_values as Tensor).dims).toEqual([1, 17, 3, 512, 512]);
    expect(ids(inputs.input_ids as Tensor).filter((t) => t === imageTokenId)).toHaveLength(17 * 64);
    const features = (await model.encode_image(inputs)) as Tensor;
    expect(features.dims).toEqual([17, 64, hidden]);
    expect(Array.from(features.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('splits a larger non-square image into rows x cols + 1 frames (800x600 -> 3x4 + 1)', async () => {
    const image = makeImage(800, 600, (x, y, c) => (x + 2 * y + 50 * c) & 255);
    const inputs = await processor(prompt(), [image]);
    expect((inputs.pixel_values as Tensor).dims).toEqual([1, 13, 3, 512, 512]);
    expect(ids(inputs.input_ids as Tensor).filter((t) => t === imageTokenId)).toHaveLength(13 * 64);
    const features = (await model.encode_image(inputs)) as Tensor;
    expect(features.dims).toEqual([13, 64, hidden]);
  });
});

describe('generation', () => {
  it('is deterministic, runs to max_new_tokens, and depends on the image', async () => {
    const first = await generateIds(gradient(224));
    const second = await generateIds(gradient(224));
    const other = await generateIds(checkerboard(224));
    expect(first.newIds).toHaveLength(20);
    expect(second.newIds).toEqual(first.newIds);
    expect(other.newIds).toHaveLength(20);
    expect(other.newIds).not.toEqual(first.newIds);
    const eos = tokenizer.convert_tokens_to_ids('<end_of_utterance>') as number;
    expect(first.newIds).not.toContain(eos);
    // Letters/space/punctuation only: the logit bias keeps the random model readable-ish.
    expect(tokenizer.decode(first.newIds)).toMatch(/^[A-Za-z ,.'!?]+$/);
  }, 30_000);
});

describe('decoder KV cache', () => {
  it('gives the same logits for a full prompt as for prefill + continuation on the past', async () => {
    const session = await ort.InferenceSession.create(path.join(result.outDir, 'onnx', 'decoder_model_merged.onnx'));
    const { numLayers, numKeyValueHeads, headDim } = preset.text;
    const total = 12;
    const embeds = Float32Array.from({ length: total * hidden }, (_, i) => Math.sin(i * 0.37) * 1.5);
    const emptyPast = (): Record<string, ort.Tensor> => {
      const feeds: Record<string, ort.Tensor> = {};
      for (let i = 0; i < numLayers; i++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, numKeyValueHeads, 0, headDim]);
        }
      }
      return feeds;
    };
    const run = async (start: number, end: number, past: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> => {
      const maskLength = past['past_key_values.0.key']!.dims[2]! + end - start;
      return session.run({
        inputs_embeds: new ort.Tensor('float32', embeds.slice(start * hidden, end * hidden), [1, end - start, hidden]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(maskLength).fill(1n), [1, maskLength]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: end - start }, (_, i) => BigInt(start + i)), [1, end - start]),
        ...past,
      });
    };
    const pastFrom = (outputs: ort.InferenceSession.OnnxValueMapType): Record<string, ort.Tensor> => {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, value] of Object.entries(outputs)) {
        if (name.startsWith('present.')) feeds[name.replace('present.', 'past_key_values.')] = value as ort.Tensor;
      }
      return feeds;
    };
    const logitsRow = (outputs: ort.InferenceSession.OnnxValueMapType, row: number): number[] => {
      const logits = outputs.logits as ort.Tensor;
      const vocab = logits.dims[2]!;
      return Array.from((logits.data as Float32Array).slice(row * vocab, (row + 1) * vocab));
    };

    const full = await run(0, total, emptyPast());
    expect((full['present.0.key'] as ort.Tensor).dims).toEqual([1, numKeyValueHeads, total, headDim]);
    // Prefill 7 tokens, then the remaining 5 at once on top of the cache.
    const prefill = await run(0, 7, emptyPast());
    const rest = await run(7, total, pastFrom(prefill));
    // Prefill 11 tokens, then a one-token decode step.
    const prefill11 = await run(0, 11, emptyPast());
    const step = await run(11, total, pastFrom(prefill11));

    const close = (a: number[], b: number[]): void => {
      const maxDiff = Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
      expect(maxDiff).toBeLessThan(1e-3);
    };
    for (let i = 0; i < 5; i++) close(logitsRow(rest, i), logitsRow(full, 7 + i));
    close(logitsRow(step, 0), logitsRow(full, total - 1));
    close(logitsRow(prefill, 6), logitsRow(full, 6));
    // Sanity: the causal mask matters (a different prefix changes the last logits).
    const shifted = await run(1, total, emptyPast());
    expect(Math.max(...logitsRow(shifted, total - 2).map((x, i) => Math.abs(x - logitsRow(full, total - 1)[i]!)))).toBeGreaterThan(1e-3);
    await session.release();
  });

  it('ignores left-padding positions masked out by attention_mask', async () => {
    const session = await ort.InferenceSession.create(path.join(result.outDir, 'onnx', 'decoder_model_merged.onnx'));
    const { numLayers, numKeyValueHeads, headDim } = preset.text;
    const real = Float32Array.from({ length: 3 * hidden }, (_, i) => Math.cos(i * 0.11));
    const run = async (embeds: Float32Array, mask: number[], positions: number[]): Promise<Float32Array> => {
      const feeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor('float32', embeds, [1, mask.length, hidden]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask, BigInt), [1, mask.length]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(positions, BigInt), [1, mask.length]),
      };
      for (let i = 0; i < numLayers; i++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, numKeyValueHeads, 0, headDim]);
        }
      }
      const logits = (await session.run(feeds)).logits as ort.Tensor;
      const vocab = logits.dims[2]!;
      return (logits.data as Float32Array).slice((mask.length - 1) * vocab);
    };
    const padded = new Float32Array(5 * hidden).fill(7);
    padded.set(real, 2 * hidden);
    // Positions as transformers.js computes them for left padding (cumsum - 1, padding = 1).
    const a = await run(padded, [0, 0, 1, 1, 1], [1, 1, 0, 1, 2]);
    const b = await run(real, [1, 1, 1], [0, 1, 2]);
    expect(Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-3);
    await session.release();
  });
});

describe('q8 (_quantized) files', () => {
  it('writes DynamicQuantizeLinear/MatMulInteger graphs that transformers.js loads with dtype q8', async () => {
    const q8 = await generateTestModel({ preset: 'tiny', dtypes: ['fp32', 'q8'], outDir: path.join(root, 'q8', 'tiny-q8'), projectRoot: root });
    const quantized = q8.files.filter((f) => f.path.endsWith('_quantized.onnx')).map((f) => f.path);
    expect(quantized.sort()).toEqual([
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/embed_tokens_quantized.onnx',
      'onnx/vision_encoder_quantized.onnx',
    ]);
    const decoderBytes = await readFile(path.join(q8.outDir, 'onnx', 'decoder_model_merged_quantized.onnx'));
    expect(decoderBytes.includes('MatMulInteger')).toBe(true);
    expect(decoderBytes.includes('DynamicQuantizeLinear')).toBe(true);

    env.localModelPath = path.join(root, 'q8');
    const q8Model = await AutoModelForImageTextToText.from_pretrained('tiny-q8', { dtype: 'q8' });
    const inputs = await processor(prompt(), [gradient(512)], { do_image_splitting: false });
    const out = (await q8Model.generate({ ...inputs, max_new_tokens: 5, do_sample: false })) as Tensor;
    expect(out.dims[1]).toBe((inputs.input_ids as Tensor).dims[1]! + 5);
    await q8Model.dispose();
  }, 30_000);
});
