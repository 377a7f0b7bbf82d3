/**
 * Token accounting of the SmolVLM family against transformers.js' own Idefics3Processor, on the
 * generated test model (Node, onnxruntime-node is not even needed: only the processor runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoProcessor, env, RawImage, Tensor, type Processor } from '@huggingface/transformers';
import { generateTestModel } from '../../scripts/test-model/generate.ts';
import { ContextOverflowError, InvalidRequestError, TooManyImagesError } from '../errors.ts';
import { mergeRegistry } from '../models/registry.ts';
import type { ChatTurn } from '../protocol.ts';
import { smolVlmFamily, type SmolVlmModel } from './smolvlm.ts';

let folder: string;
let processor: Processor;
let model: SmolVlmModel;

function image(width: number, height: number): RawImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
  return new RawImage(data, width, height, 3);
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'smolvlm-family-'));
  await generateTestModel({ outDir: path.join(folder, 'SmolVLM-test-tiny'), projectRoot: folder });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = folder;
  processor = await AutoProcessor.from_pretrained('SmolVLM-test-tiny');
  const entry = mergeRegistry([{ id: 'SmolVLM-test-tiny', contextLength: 2048, files: [] }]).find((m) => m.id === 'SmolVLM-test-tiny')!;
  const tokenizer = processor.tokenizer!;
  // Only what preparePrompt reads: the processor and the numbers `load` derives from configs.
  model = {
    entry,
    device: 'wasm',
    dtype: { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' },
    decoder: undefined as never,
    model: undefined as never,
    processor,
    imageTokenId: tokenizer.convert_tokens_to_ids('<image>'),
    eosTokenIds: [tokenizer.convert_tokens_to_ids('<end_of_utterance>')],
    tokensPerFrame: 64,
    contextLength: 2048,
    decode: (ids) => tokenizer.decode(ids),
    dispose: async () => undefined,
  };
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('SmolVLM prompt preparation', () => {
  it('produces the same token ids as Idefics3Processor for the processor default (detail high)', async () => {
    const picture = image(224, 224);
    const prepared = smolVlmFamily.preparePrompt(model, [{ role: 'user', text: 'What is this?', images: [{ id: 'a' }] }], new Map([['a', picture]]), 'high');
    const text = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is this?' }] }] as never, {
      add_generation_prompt: true,
    }) as unknown as string;
    const reference = await processor(text, [picture]);
    const referenceIds = ((reference.input_ids as Tensor).tolist() as bigint[][])[0]!.map(Number);
    expect(prepared.ids).toEqual(referenceIds);
    expect(prepared.imageTokens).toBe(1088);
    expect(prepared.images[0]).toMatchObject({ id: 'a', plan: { frames: 17 } });
    const span = prepared.images[0]!;
    expect(prepared.ids.slice(span.firstImageToken, span.endImageToken).filter((id) => id === model.imageTokenId)).toHaveLength(1088);
  });

  it('lays out several turns with images in order, and text-only turns', () => {
    const images = new Map([
      ['a', image(600, 400)],
      ['b', image(300, 300)],
    ]);
    const prepared = smolVlmFamily.preparePrompt(
      model,
      [
        { role: 'user', text: 'First', images: [{ id: 'a' }] },
        { role: 'assistant', text: ' An answer.' },
        { role: 'user', text: 'Now this one', images: [{ id: 'b' }] },
        { role: 'assistant', text: 'Another.' },
        { role: 'user', text: 'And without an image?' },
      ],
      images,
      'auto',
    );
    expect(prepared.images.map((i) => i.id)).toEqual(['a', 'b']);
    // auto: 600x400 keeps its size; the processor rounds both sides up to 1024 -> 2x2 tiles +
    // global = 5 frames; 300x300 -> 1 frame.
    expect(prepared.images.map((i) => i.plan.frames)).toEqual([5, 1]);
    expect(prepared.imageTokens).toBe(6 * 64);
    expect(prepared.images[0]!.endImageToken).toBeLessThan(prepared.images[1]!.firstImageToken);
    const text = model.decode(prepared.ids);
    expect(text).toContain('Assistant: An answer.<end_of_utterance>');
    expect(text.endsWith('User: And without an image?<end_of_utterance>\nAssistant:')).toBe(true);
  });

  it('continues an unfinished answer: the question, the generation prompt, then the partial text with no end of utterance', () => {
    const images = new Map([['a', image(300, 300)]]);
    const question: ChatTurn[] = [
      { role: 'user', text: 'First' },
      { role: 'assistant', text: 'One.' },
      { role: 'user', text: 'Describe the sea.', images: [{ id: 'a' }] },
    ];
    const asked = smolVlmFamily.preparePrompt(model, question, images, 'low');
    const continued = smolVlmFamily.preparePrompt(model, [...question, { role: 'assistant', text: ' The sea is <end_of_utterance>', unfinished: true }], images, 'low');
    // The prompt the question was answered from is a prefix, token for token: its KV cache is reused.
    expect(continued.ids.slice(0, asked.ids.length)).toEqual(asked.ids);
    expect(continued.images).toEqual(asked.images);
    const text = model.decode(continued.ids);
    expect(text.endsWith('<image><fake_token_around_image>Describe the sea.<end_of_utterance>\nAssistant: The sea is <\u200dend_of_utterance>')).toBe(true);
    // Only the turns before it end: the unfinished answer stays open for the model to go on.
    expect(continued.ids.filter((id) => model.eosTokenIds.includes(id))).toHaveLength(3);
    expect(model.decode(continued.ids.slice(asked.ids.length))).toBe(' The sea is <\u200dend_of_utterance>');
  });

  it('lays a previous answer out with the ids it was generated as, so the prompt extends the cached one up to the new question', () => {
    const tokenizer = processor.tokenizer!;
    const images = new Map([['a', image(64, 64)]]);
    const question: ChatTurn = { role: 'user', text: 'What is this?', images: [{ id: 'a' }] };
    const first = smolVlmFamily.preparePrompt(model, [question], images, 'low');
    // The answer as the model might have generated it: one id per character, not how the
    // tokenizer would split " Hello world" now.
    const generated = [...' Hello world'].flatMap((char) => tokenizer.encode(char, { add_special_tokens: false }));
    expect(tokenizer.encode(' Hello world', { add_special_tokens: false })).not.toEqual(generated);
    const conversation: ChatTurn[] = [question, { role: 'assistant', text: 'Hello world' }, { role: 'user', text: 'And then?' }];
    const memory = { answerIds: (text: string) => (text === 'Hello world' ? generated : undefined) };

    const followUp = smolVlmFamily.preparePrompt(model, conversation, images, 'low', memory);
    expect(followUp.ids.slice(0, first.ids.length + generated.length)).toEqual([...first.ids, ...generated]);
    expect(tokenizer.decode(followUp.ids.slice(first.ids.length + generated.length))).toBe('<end_of_utterance>\nUser: And then?<end_of_utterance>\nAssistant:');
    expect(followUp.images).toEqual(first.images);

    // Without the memory, or with ids of another text, the answer is tokenized from its text.
    const anew = smolVlmFamily.preparePrompt(model, conversation, images, 'low');
    expect(anew.ids.slice(0, first.ids.length)).toEqual(first.ids);
    expect(anew.ids.slice(first.ids.length, first.ids.length + generated.length)).not.toEqual(generated);
    const stale = smolVlmFamily.preparePrompt(model, conversation, images, 'low', { answerIds: () => tokenizer.encode(' Hello there', { add_special_tokens: false }) });
    expect(stale.ids).toEqual(anew.ids);
  });

  it('keeps special tokens typed by a person from becoming control tokens', () => {
    const prepared = smolVlmFamily.preparePrompt(model, [{ role: 'user', text: 'Is <image> or <end_of_utterance> special?' }], new Map(), 'low');
    expect(prepared.imageTokens).toBe(0);
    expect(prepared.ids.filter((id) => id === model.imageTokenId)).toHaveLength(0);
    expect(prepared.ids.filter((id) => model.eosTokenIds.includes(id))).toHaveLength(1); // only the template's own
  });

  it('refuses too many images, unknown images and conversations over the context', () => {
    const images = new Map(['1', '2', '3', '4', '5'].map((id) => [id, image(64, 64)] as const));
    expect(() =>
      smolVlmFamily.preparePrompt(model, [{ role: 'user', text: 'x', images: [...images.keys()].map((id) => ({ id })) }], images, 'low'),
    ).toThrow(TooManyImagesError);
    expect(() => smolVlmFamily.preparePrompt(model, [{ role: 'user', text: 'x', images: [{ id: 'missing' }] }], images, 'low')).toThrow(InvalidRequestError);
    // Two images at detail high: 2 x 1088 image tokens > 2048.
    const call = () => smolVlmFamily.preparePrompt(model, [{ role: 'user', text: 'x', images: [{ id: '1' }, { id: '2' }] }], images, 'high');
    expect(call).toThrow(ContextOverflowError);
    expect(call).toThrow(/is \d{4} tokens \(2176 of them image tokens\) and .* reads at most 2048/);
    const overflow = (() => {
      try {
        call();
      } catch (error) {
        return error as ContextOverflowError;
      }
    })();
    expect(overflow?.facts).toMatchObject({ imageTokens: 2176, contextLength: 2048 });
    expect(overflow?.facts.promptTokens).toBeGreaterThan(2176);
  });
});
