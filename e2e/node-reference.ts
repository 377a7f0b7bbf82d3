/**
 * The same generated model run natively by onnxruntime-node (transformers.js in Node), as an
 * independent reference for the browser runtime: its greedy tokens, and its processor's image
 * tokens.
 */
import path from 'node:path';
import { AutoModelForImageTextToText, AutoProcessor, env, RawImage, Tensor, type Processor } from '@huggingface/transformers';
import { patternPixels } from './runtime-helpers.ts';
import { FASTVLM_TEST_MODEL_ID, FLORENCE2_TEST_MODEL_ID, TEST_MODEL_ID } from './fixtures.ts';

function useServedModels(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.resolve('public/models');
}

/**
 * How many `<image>` tokens transformers.js' own Idefics3Processor puts in a prompt for one image
 * of this size, resized to `longestEdge` and split into tiles or not: what the worker's
 * arithmetic (workers/models/image-detail.ts) must agree with.
 */
export async function processorImageTokens(width: number, height: number, resize: { longestEdge: number; split: boolean }): Promise<number> {
  useServedModels();
  const processor: Processor = await AutoProcessor.from_pretrained(TEST_MODEL_ID);
  const imageProcessor = (processor as unknown as { image_processor: { size: { longest_edge: number } } }).image_processor;
  imageProcessor.size = { ...imageProcessor.size, longest_edge: resize.longestEdge };
  const prompt = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe.' }] }] as never, {
    add_generation_prompt: true,
  }) as unknown as string;
  const inputs = await processor(prompt, [new RawImage(patternPixels(1, width, height), width, height, 4)], { do_image_splitting: resize.split });
  const imageTokenId = processor.tokenizer!.convert_tokens_to_ids('<image>');
  return ((inputs.input_ids as Tensor).tolist() as bigint[][])[0]!.filter((id) => Number(id) === imageTokenId).length;
}

/** Greedy tokens for one user turn with one image at detail `low` (a single 512 px frame). */
export async function nodeGreedyTokens(question: string, imageSeed: number, size: number, maxNewTokens: number): Promise<number[]> {
  useServedModels();
  const processor = await AutoProcessor.from_pretrained(TEST_MODEL_ID);
  const model = await AutoModelForImageTextToText.from_pretrained(TEST_MODEL_ID, { dtype: 'fp32', device: 'cpu' });
  try {
    const image = new RawImage(patternPixels(imageSeed, size, size), size, size, 4);
    // Detail `low` in the app: resize to a 512 px longest edge, one frame, no splitting.
    (processor as unknown as { image_processor: { size: { longest_edge: number } } }).image_processor.size = { longest_edge: 512 };
    const prompt = processor.apply_chat_template(
      [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }] as never,
      { add_generation_prompt: true },
    ) as unknown as string;
    const inputs = await processor(prompt, [image], { do_image_splitting: false });
    const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, repetition_penalty: 1 })) as Tensor;
    const promptLength = (inputs.input_ids as Tensor).dims[1]!;
    return (output.tolist() as bigint[][])[0]!.slice(promptLength).map(Number);
  } finally {
    await model.dispose();
  }
}

/**
 * Stock transformers.js on the FastVLM test model: its own LlavaProcessor and
 * LlavaQwen2ForCausalLM `generate`, greedy, for one user turn with one image, laid out as the
 * model card does (`<image>` before the question).
 */
export async function nodeFastVlmGreedyTokens(question: string, imageSeed: number, width: number, height: number, maxNewTokens: number): Promise<number[]> {
  useServedModels();
  const processor = await AutoProcessor.from_pretrained(FASTVLM_TEST_MODEL_ID);
  const model = await AutoModelForImageTextToText.from_pretrained(FASTVLM_TEST_MODEL_ID, { dtype: 'fp32', device: 'cpu' });
  try {
    const image = new RawImage(patternPixels(imageSeed, width, height), width, height, 4);
    const prompt = processor.apply_chat_template([{ role: 'user', content: `<image>${question}` }] as never, { add_generation_prompt: true }) as unknown as string;
    const inputs = await (processor as unknown as (image: RawImage, text: string, options: object) => Promise<Record<string, Tensor>>)(image, prompt, { add_special_tokens: false });
    const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, repetition_penalty: 1 })) as Tensor;
    const promptLength = inputs['input_ids']!.dims[1]!;
    return (output.tolist() as bigint[][])[0]!.slice(promptLength).map(Number);
  } finally {
    await model.dispose();
  }
}

/**
 * Stock transformers.js on the Florence-2 test model: its Florence2Processor and
 * Florence2ForConditionalGeneration `generate` (greedy) for one task on one image, and the
 * answer's regions from its own post_process_generation. The decoder start token, the forced
 * first token (<s>) and the forced end at the length limit are left out of the tokens: our
 * worker feeds the first two as its prompt and stops at the limit without forcing.
 */
export async function nodeFlorence2Answer(
  task: string,
  imageSeed: number,
  width: number,
  height: number,
  newTokens: number,
): Promise<{ tokens: number[]; regions: Record<string, unknown> }> {
  useServedModels();
  const processor = (await AutoProcessor.from_pretrained(FLORENCE2_TEST_MODEL_ID)) as Processor & {
    post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
  };
  const model = await AutoModelForImageTextToText.from_pretrained(FLORENCE2_TEST_MODEL_ID, { dtype: 'fp32', device: 'cpu' });
  try {
    const image = new RawImage(patternPixels(imageSeed, width, height), width, height, 4);
    const inputs = await (processor as unknown as (image: RawImage, text: string) => Promise<Record<string, Tensor>>)(image, task);
    const output = (await model.generate({ ...inputs, max_new_tokens: newTokens + 2 })) as Tensor;
    const ids = (output.tolist() as bigint[][])[0]!.map(Number);
    const tokens = ids.slice(2, 2 + newTokens);
    const text = processor.tokenizer!.decode(ids.slice(0, 2 + newTokens), { skip_special_tokens: false });
    const taskToken = /^<[A-Z_]+>/.exec(task)![0];
    return { tokens, regions: processor.post_process_generation(text, taskToken, [width, height]) };
  } finally {
    await model.dispose();
  }
}

/** What transformers.js' own post-processing makes of answer tokens our worker generated (after the decoder start and <s>). */
export async function nodeFlorence2Regions(tokens: readonly number[], task: string, width: number, height: number): Promise<Record<string, unknown>> {
  useServedModels();
  const processor = (await AutoProcessor.from_pretrained(FLORENCE2_TEST_MODEL_ID)) as Processor & {
    post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
  };
  const text = processor.tokenizer!.decode([2, 0, ...tokens], { skip_special_tokens: false });
  return processor.post_process_generation(text, task, [width, height]);
}
