/**
 * Florence-2 (Microsoft; `florence2` in transformers.js): an encoder-decoder that answers tasks
 * (caption, OCR, detection, grounding) instead of chatting. Four sessions: the DaViT vision
 * encoder (`vision_encoder`), token embeddings (`embed_tokens`), the BART encoder
 * (`encoder_model`, over 577 image features followed by the task prompt) and the BART decoder
 * with self- and cross-attention caches (`decoder_model_merged`). Per answer, `encode` runs the
 * image and the task prompt through the encoder once; the runtime then decodes from the decoder
 * start token, feeding the encoder's output to every step. Answers do not build on each other,
 * so the family declares no multi-turn KV reuse. Location tokens in the answer become regions
 * through transformers.js' own Florence2Processor.post_process_generation (florence2-answer.ts).
 */
import { AutoModelForImageTextToText, AutoProcessor, Tensor, type PreTrainedModel, type Processor, type RawImage } from '@huggingface/transformers';
import { ContextOverflowError, InvalidRequestError, ModelLoadError, TooManyImagesError } from '../errors.ts';
import { closestTask, florence2Task, taskPrompt, type Florence2TaskId } from '../models/florence2-tasks.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import { FAMILY_TRAITS } from '../models/registry.ts';
import type { ChatTurn, ImageInput, LoadProgress, ModelEntry } from '../protocol.ts';
import type { OrtSession, OrtTensor } from '../runtime/ort-types.ts';
import { loadWithTransformers } from '../runtime/transformers-load.ts';
import type { EmbedTimings, EncoderFeeds, ImageSize, LoadedModel, PreparedPrompt, VlmFamily } from './family.ts';
import { answerRegions, type Florence2PostProcessor } from './florence2-answer.ts';
import { sessionInputType, toType } from './tensor-types.ts';

interface ModelWithEncoders extends PreTrainedModel {
  sessions: Record<string, OrtSession>;
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  encode_image(inputs: { pixel_values: Tensor }): Promise<Tensor>;
}

type Florence2ProcessorLike = Processor &
  Florence2PostProcessor & {
    construct_prompts(text: string): string[];
    image_processor: (image: RawImage) => Promise<{ pixel_values: Tensor }>;
  };

export interface Florence2Model extends LoadedModel {
  model: ModelWithEncoders;
  processor: Florence2ProcessorLike;
  /** The decoder's prompt: its start token, then the token generation_config forces first (<s>). */
  decoderPrompt: number[];
  /** Image features the vision encoder gives a frame (577). */
  imageFeatures: number;
  /** Positions the encoder reads at most (image features and task prompt). */
  encoderContext: number;
}

const TASK_TOKEN = /^(<[A-Z_]+>)([\s\S]*)$/;

/** The task a turn's text asks for: a task token with its input, else the task closest to the question. */
export function requestedTask(text: string): { task: Florence2TaskId; prompt: string } {
  const trimmed = text.trim();
  const explicit = TASK_TOKEN.exec(trimmed);
  const chosen = explicit && florence2Task(explicit[1]!) ? { task: explicit[1] as Florence2TaskId, input: explicit[2]!.trim() } : closestTask(trimmed);
  try {
    return { task: chosen.task, prompt: taskPrompt(chosen.task, chosen.input) };
  } catch (error) {
    throw new InvalidRequestError((error as Error).message);
  }
}

/** Florence-2 sees one image per answer: the last user turn's, else the latest one before it. */
function imageFor(conversation: readonly ChatTurn[]): ImageInput | undefined {
  for (let index = conversation.length - 1; index >= 0; index--) {
    const images = conversation[index]!.images ?? [];
    if (images.length) return images.at(-1);
  }
  return undefined;
}

export const florence2Family: VlmFamily<Florence2Model> = {
  traits: FAMILY_TRAITS.florence2,

  async load(entry: ModelEntry, attempt: DeviceLoad, onProgress: (progress: LoadProgress) => void) {
    const { device, dtype } = attempt;
    const { processor, model } = await loadWithTransformers(entry, attempt, onProgress, async ({ name, revision }, progress_callback, session_options) => ({
      processor: (await AutoProcessor.from_pretrained(name, { progress_callback, revision })) as Florence2ProcessorLike,
      model: (await AutoModelForImageTextToText.from_pretrained(name, { device, dtype, progress_callback, revision, session_options })) as unknown as ModelWithEncoders,
    }));
    const decoder = model.sessions['decoder_model_merged'];
    if (!decoder || !model.sessions['vision_encoder'] || !model.sessions['embed_tokens'] || !model.sessions['model']) {
      throw new ModelLoadError(`${entry.name} is missing one of vision_encoder, embed_tokens, encoder_model, decoder_model_merged.`, { modelId: entry.id });
    }
    if (typeof processor.post_process_generation !== 'function') {
      throw new ModelLoadError(`${entry.name} did not load a Florence2Processor (preprocessor_config.json's processor_class).`, { modelId: entry.id });
    }
    const config = model.config as unknown as { decoder_start_token_id?: number; eos_token_id?: number; text_config?: { decoder_start_token_id?: number; max_position_embeddings?: number } };
    const generation = (model as unknown as { generation_config?: { decoder_start_token_id?: number; forced_bos_token_id?: number; eos_token_id?: number | number[] } }).generation_config ?? {};
    const start = generation.decoder_start_token_id ?? config.text_config?.decoder_start_token_id ?? config.decoder_start_token_id ?? 2;
    // A forced first token is the same as a fed one: it goes into the prompt, so greedy decoding matches generate().
    const decoderPrompt = generation.forced_bos_token_id === undefined ? [start] : [start, generation.forced_bos_token_id];
    const eos = generation.eos_token_id ?? config.eos_token_id ?? 2;
    const imageProcessorConfig = (processor as unknown as { image_processor: { config: { image_seq_length?: number } } }).image_processor.config;
    const tokenizer = processor.tokenizer!;
    const positions = config.text_config?.max_position_embeddings ?? entry.contextLength;
    return {
      entry,
      device,
      dtype,
      decoder,
      model,
      processor,
      decoderPrompt,
      imageFeatures: imageProcessorConfig.image_seq_length ?? entry.geometry.tokensPerFrame,
      encoderContext: positions,
      eosTokenIds: Array.isArray(eos) ? eos : [eos],
      tokensPerFrame: imageProcessorConfig.image_seq_length ?? entry.geometry.tokensPerFrame,
      contextLength: Math.min(positions, entry.contextLength),
      // Streamed text without the location tokens; the regions come from the token ids.
      decode: (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: true }),
      dispose: async () => {
        await model.dispose();
      },
    };
  },

  preparePrompt(model, conversation, images): PreparedPrompt {
    const last = conversation.at(-1);
    if (last?.role !== 'user') throw new InvalidRequestError(`${model.entry.name} answers tasks: it cannot continue an answer.`);
    const turnImages = last.images ?? [];
    if (turnImages.length > this.traits.maxImagesPerMessage) {
      throw new TooManyImagesError(`${model.entry.name} looks at one image per task; this message has ${turnImages.length}.`, {
        images: turnImages.length,
        maxImages: this.traits.maxImagesPerMessage,
      });
    }
    const input = imageFor(conversation);
    if (!input) throw new InvalidRequestError(`${model.entry.name} needs an image: attach one to run ${model.entry.name}'s tasks.`);
    const image: ImageSize | undefined = images.get(input.id);
    if (!image) throw new InvalidRequestError(`Image ${input.id} was not sent to the worker.`);
    const { task, prompt } = requestedTask(last.text);
    const tokenizer = model.processor.tokenizer!;
    const encoderIds = tokenizer.encode(model.processor.construct_prompts(prompt)[0]!);
    const encoderTokens = model.imageFeatures + encoderIds.length;
    if (encoderTokens > model.encoderContext) {
      throw new ContextOverflowError(
        `This task is ${encoderTokens} tokens (${model.imageFeatures} of them image features) and ${model.entry.name} reads at most ${model.encoderContext}. Shorten the phrase.`,
        { promptTokens: encoderTokens, imageTokens: model.imageFeatures, contextLength: model.encoderContext },
      );
    }
    const frame = model.entry.geometry.frameSize;
    return {
      ids: [...model.decoderPrompt],
      encoderIds,
      task,
      imageTokens: model.imageFeatures,
      // The image's features go to the encoder, not into the decoder's ids: its span there is empty.
      images: [
        {
          key: `${input.id}|${frame}`,
          id: input.id,
          image,
          plan: { longestEdge: frame, split: false, rows: 0, cols: 0, frames: 1, imageTokens: model.imageFeatures },
          firstImageToken: 0,
          endImageToken: 0,
        },
      ],
    };
  },

  async encode(model, prompt, timings: EmbedTimings, pixelsOf): Promise<EncoderFeeds> {
    const encoder = model.model.sessions['model']!;
    const embedsType = sessionInputType(encoder, 'inputs_embeds');
    const textIds = prompt.encoderIds ?? prompt.ids;
    const text = toType(await model.model.encode_text({ input_ids: new Tensor('int64', BigInt64Array.from(textIds, BigInt), [1, textIds.length]) }), 'float32');
    const hidden = text.dims.at(-1)!;
    let features: Tensor | undefined;
    const span = prompt.images[0];
    if (span) {
      const preprocessStart = performance.now();
      const { pixel_values } = await model.processor.image_processor(pixelsOf(span.id));
      const pixelValues = toType(pixel_values, sessionInputType(model.model.sessions['vision_encoder']!, 'pixel_values'));
      timings.imagePreprocessMs += performance.now() - preprocessStart;
      const visionStart = performance.now();
      features = toType(await model.model.encode_image({ pixel_values: pixelValues }), 'float32');
      timings.visionEncodeMs += performance.now() - visionStart;
      timings.imagesEncoded++;
    }
    // [image features; task prompt], as Florence2ForConditionalGeneration merges them.
    const rows = (features ? features.dims[1]! : 0) + textIds.length;
    const merged = new Float32Array(rows * hidden);
    if (features) merged.set(features.data as Float32Array);
    merged.set(text.data as Float32Array, merged.length - (text.data as Float32Array).length);
    features?.dispose();
    text.dispose();
    const inputsEmbeds = toType(new Tensor('float32', merged, [1, rows, hidden]), embedsType);
    const attentionMask = new Tensor('int64', new BigInt64Array(rows).fill(1n), [1, rows]);
    const { last_hidden_state } = (await encoder.run({ inputs_embeds: inputsEmbeds.ort_tensor as OrtTensor, attention_mask: attentionMask.ort_tensor as OrtTensor })) as Record<string, OrtTensor>;
    return { encoder_hidden_states: last_hidden_state!, encoder_attention_mask: attentionMask.ort_tensor as OrtTensor };
  },

  async embed(model, prompt, start): Promise<OrtTensor> {
    const suffix = prompt.ids.slice(start);
    const inputIds = new Tensor('int64', BigInt64Array.from(suffix, BigInt), [1, suffix.length]);
    return toType(await model.model.encode_text({ input_ids: inputIds }), sessionInputType(model.decoder, 'inputs_embeds')).ort_tensor as OrtTensor;
  },

  regions(model, prompt, tokenIds) {
    const span = prompt.images[0];
    if (!prompt.task || !span) return null;
    const text = model.processor.tokenizer!.decode([...tokenIds], { skip_special_tokens: false });
    return answerRegions(model.processor, text, prompt.task as Florence2TaskId, { id: span.id, width: span.image.width, height: span.image.height });
  },
};

