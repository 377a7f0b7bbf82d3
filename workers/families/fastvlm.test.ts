/**
 * The FastVLM family's prompt layout and image-token arithmetic against transformers.js' own
 * LlavaProcessor, on the generated FastVLM-format test model (Node; only the processor runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoProcessor, env, RawImage, Tensor, type Processor } from '@huggingface/transformers';
import { generateTestModel } from '../../scripts/test-model/generate.ts';
import { ContextOverflowError, InvalidRequestError, TooManyImagesError } from '../errors.ts';
import { FASTVLM_GEOMETRY } from '../models/image-detail.ts';
import { mergeRegistry } from '../models/registry.ts';
import type { ChatTurn } from '../protocol.ts';
import { fastVlmFamily, fastVlmGeometry, type FastVlmModel } from './fastvlm.ts';

let folder: string;
let processor: Processor;
let model: FastVlmModel;

function image(width: number, height: number): RawImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
  return new RawImage(data, width, height, 3);
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'fastvlm-family-'));
  await generateTestModel({ preset: 'fastvlm-tiny', outDir: path.join(folder, 'FastVLM-test-tiny'), projectRoot: folder });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = folder;
  processor = await AutoProcessor.from_pretrained('FastVLM-test-tiny');
  const entry = mergeRegistry([{ id: 'FastVLM-test-tiny', family: 'fastvlm', contextLength: 2048, files: [] }]).find((m) => m.id === 'FastVLM-test-tiny')!;
  const tokenizer = processor.tokenizer!;
  const imageProcessorConfig = (processor as unknown as { image_processor: { config: Record<string, unknown> } }).image_processor.config;
  const geometry = fastVlmGeometry(processor.config as Record<string, unknown>, imageProcessorConfig, entry.geometry);
  // Only what preparePrompt reads: the processor and the numbers `load` derives from the configs.
  model = {
    entry,
    device: 'wasm',
    dtype: { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' },
    decoder: undefined as never,
    model: undefined as never,
    processor,
    imageTokenId: tokenizer.convert_tokens_to_ids('<image>'),
    geometry,
    eosTokenIds: [tokenizer.convert_tokens_to_ids('<|im_end|>')],
    tokensPerFrame: geometry.tokensPerFrame,
    contextLength: 2048,
    decode: (ids) => tokenizer.decode(ids),
    dispose: async () => undefined,
  };
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('FastVLM prompt preparation', () => {
  it("reads 256 image tokens per 1024 px frame from the processor's configs", () => {
    expect(model.geometry).toEqual(FASTVLM_GEOMETRY);
    expect(fastVlmGeometry({ patch_size: 14, num_additional_image_tokens: 1 }, { crop_size: { height: 336, width: 336 } }, FASTVLM_GEOMETRY).tokensPerFrame).toBe(577);
  });

  it('produces the same token ids as LlavaProcessor for one image, whatever its shape and the detail asked for', async () => {
    for (const [width, height] of [
      [640, 480],
      [300, 900],
    ] as const) {
      const picture = image(width, height);
      const prepared = fastVlmFamily.preparePrompt(model, [{ role: 'user', text: 'What is this?', images: [{ id: 'a' }] }], new Map([['a', picture]]), 'high');
      const text = processor.apply_chat_template([{ role: 'user', content: '<image>What is this?' }] as never, { add_generation_prompt: true }) as unknown as string;
      const reference = await (processor as unknown as (image: RawImage, text: string, options: object) => Promise<{ input_ids: Tensor }>)(picture, text, {
        add_special_tokens: false,
      });
      const referenceIds = (reference.input_ids.tolist() as bigint[][])[0]!.map(Number);
      expect(prepared.ids).toEqual(referenceIds);
      expect(prepared.imageTokens).toBe(256);
      expect(prepared.images[0]).toMatchObject({ id: 'a', plan: { frames: 1, imageTokens: 256 } });
      const span = prepared.images[0]!;
      expect(span.endImageToken - span.firstImageToken).toBe(256);
      expect(prepared.ids.slice(span.firstImageToken, span.endImageToken).every((id) => id === model.imageTokenId)).toBe(true);
    }
  });

  it('lays out several turns in ChatML with one image each, and continues an unfinished answer from the question prompt', () => {
    const images = new Map([
      ['a', image(600, 400)],
      ['b', image(300, 300)],
    ]);
    const conversation: ChatTurn[] = [
      { role: 'user', text: 'First', images: [{ id: 'a' }] },
      { role: 'assistant', text: ' An answer.' },
      { role: 'user', text: 'Now this one', images: [{ id: 'b' }] },
    ];
    const asked = fastVlmFamily.preparePrompt(model, conversation, images, 'auto');
    expect(asked.images.map((i) => i.id)).toEqual(['a', 'b']);
    expect(asked.imageTokens).toBe(512);
    const text = model.decode(asked.ids);
    expect(text.startsWith('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<image>')).toBe(true);
    expect(text).toContain('First<|im_end|>\n<|im_start|>assistant\nAn answer.<|im_end|>\n<|im_start|>user\n<image>');
    expect(text.endsWith('Now this one<|im_end|>\n<|im_start|>assistant\n')).toBe(true);

    const continued = fastVlmFamily.preparePrompt(model, [...conversation, { role: 'assistant', text: ' The sea is', unfinished: true }], images, 'auto');
    // The question's prompt is a prefix, token for token: its KV cache is reused.
    expect(continued.ids.slice(0, asked.ids.length)).toEqual(asked.ids);
    expect(model.decode(continued.ids.slice(asked.ids.length))).toBe('The sea is');
  });

  it('keeps typed control tokens from becoming control tokens, and refuses two images in a message, unknown images and overflow', () => {
    const typed = fastVlmFamily.preparePrompt(model, [{ role: 'user', text: 'Is <image> or <|im_end|> special?' }], new Map(), 'low');
    expect(typed.imageTokens).toBe(0);
    expect(typed.ids.filter((id) => id === model.imageTokenId)).toHaveLength(0);
    // The template's own end-of-turn tokens only (system and user).
    expect(typed.ids.filter((id) => model.eosTokenIds.includes(id))).toHaveLength(2);

    const images = new Map(['1', '2'].map((id) => [id, image(64, 64)] as const));
    expect(() => fastVlmFamily.preparePrompt(model, [{ role: 'user', text: 'x', images: [{ id: '1' }, { id: '2' }] }], images, 'low')).toThrow(TooManyImagesError);
    expect(() => fastVlmFamily.preparePrompt(model, [{ role: 'user', text: 'x', images: [{ id: 'missing' }] }], images, 'low')).toThrow(InvalidRequestError);
    const many: ChatTurn[] = Array.from({ length: 8 }, (_, turn) => ({ role: 'user' as const, text: `Turn ${turn}`, images: [{ id: turn % 2 ? '1' : '2' }] }));
    expect(() => fastVlmFamily.preparePrompt(model, many, images, 'low')).toThrow(ContextOverflowError);
    expect(() => fastVlmFamily.preparePrompt(model, many, images, 'low')).toThrow(/\(2048 of them image tokens\) and .* reads at most 2048/);
  });
});
