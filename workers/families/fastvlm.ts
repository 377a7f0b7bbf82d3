/**
 * FastVLM (Apple; `llava_qwen2` in transformers.js): the FastViTHD vision encoder with its MLP
 * projector (`vision_encoder.onnx`), the token embeddings (`embed_tokens.onnx`) and a Qwen2 decoder
 * with KV cache (`decoder_model_merged.onnx`). Every image is one 1024 px frame (resized on its
 * short side and centre-cropped by the published CLIPImageProcessor settings) that the encoder
 * turns into (1024 / 64)^2 = 256 image tokens, laid out where the image's `<image>` stands in the
 * Qwen2 chat template, as LlavaProcessor does. Loading goes through transformers.js like every
 * family (workers/runtime/transformers-load.ts).
 */
import { AutoModelForImageTextToText, AutoProcessor, Tensor, type PreTrainedModel, type Processor, type RawImage } from '@huggingface/transformers';
import { ContextOverflowError, InvalidRequestError, TooManyImagesError } from '../errors.ts';
import { planImage, type ImagePlan } from '../models/image-detail.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import { FAMILY_TRAITS } from '../models/registry.ts';
import type { ChatTurn, ImageGeometry, LoadProgress, ModelEntry } from '../protocol.ts';
import type { OrtSession, OrtTensor } from '../runtime/ort-types.ts';
import { loadWithTransformers } from '../runtime/transformers-load.ts';
import type { EmbedTimings, ImageSize, LoadedModel, PreparedPrompt, PromptImage, VlmFamily } from './family.ts';
import { answerEndIds, requireSessions } from './model-setup.ts';
import { neutralizeSpecialTokens } from './special-tokens.ts';
import { sessionInputType, toType } from './tensor-types.ts';
import { continueAt, UNFINISHED_ANSWER_MARK, unfinishedAnswer } from './unfinished-answer.ts';

const IMAGE_TOKEN = '<image>';

interface ModelWithEncoders extends PreTrainedModel {
  sessions: Record<string, OrtSession>;
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  encode_image(inputs: { pixel_values: Tensor }): Promise<Tensor>;
}

type ImageProcessorLike = (image: RawImage) => Promise<{ pixel_values: Tensor }>;

export interface FastVlmModel extends LoadedModel {
  model: ModelWithEncoders;
  processor: Processor;
  imageTokenId: number;
  /** The frame the processor makes of every image and its token count (from the processor's configs). */
  geometry: ImageGeometry;
}

/**
 * LlavaProcessor's arithmetic: the frame is `crop_size` square, the encoder downsamples it by
 * `patch_size`, plus `num_additional_image_tokens` (0 for FastVLM).
 */
export function fastVlmGeometry(processorConfig: Record<string, unknown>, imageProcessorConfig: Record<string, unknown>, fallback: ImageGeometry): ImageGeometry {
  const crop = imageProcessorConfig['crop_size'] as { height?: number; width?: number } | undefined;
  const frameSize = crop?.height ?? fallback.frameSize;
  const frameWidth = crop?.width ?? frameSize;
  const patchSize = Number(processorConfig['patch_size'] ?? frameSize / Math.sqrt(fallback.tokensPerFrame));
  const extra = Number(processorConfig['num_additional_image_tokens'] ?? 0);
  const tokensPerFrame = Math.floor(frameSize / patchSize) * Math.floor(frameWidth / patchSize) + extra;
  return { frameSize, tokensPerFrame, defaultLongestEdge: frameSize };
}

export const fastVlmFamily: VlmFamily<FastVlmModel> = {
  traits: FAMILY_TRAITS.fastvlm,

  async load(entry: ModelEntry, attempt: DeviceLoad, onProgress: (progress: LoadProgress) => void) {
    const { device, dtype } = attempt;
    const { processor, model } = await loadWithTransformers(entry, attempt, onProgress, async ({ name, revision }, progress_callback, session_options) => ({
      processor: await AutoProcessor.from_pretrained(name, { progress_callback, revision }),
      model: (await AutoModelForImageTextToText.from_pretrained(name, { device, dtype, progress_callback, revision, session_options })) as unknown as ModelWithEncoders,
    }));
    const config = model.config as unknown as { image_token_index?: number; image_token_id?: number; max_position_embeddings?: number };
    const tokenizer = processor.tokenizer!;
    const imageTokenId = config.image_token_index ?? config.image_token_id ?? tokenizer.convert_tokens_to_ids(IMAGE_TOKEN);
    const eosTokenIds = answerEndIds(model, tokenizer.convert_tokens_to_ids('<|im_end|>'));
    const imageProcessorConfig = (processor as unknown as { image_processor: { config: Record<string, unknown> } }).image_processor.config;
    const geometry = fastVlmGeometry(processor.config as Record<string, unknown>, imageProcessorConfig, entry.geometry);
    const decoder = requireSessions(model.sessions, entry, ['vision_encoder', 'embed_tokens', 'decoder_model_merged'], 'decoder_model_merged');
    return {
      entry,
      device,
      dtype,
      decoder,
      model,
      processor,
      imageTokenId,
      geometry,
      eosTokenIds,
      tokensPerFrame: geometry.tokensPerFrame,
      contextLength: Math.min(config.max_position_embeddings ?? entry.contextLength, entry.contextLength),
      decode: (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: true }),
      dispose: async () => {
        await model.dispose();
      },
    };
  },

  preparePrompt(model, conversation, images): PreparedPrompt {
    const tokenizer = model.processor.tokenizer!;
    const promptImages: { id: string; image: ImageSize; plan: ImagePlan }[] = [];
    const unfinished = unfinishedAnswer(conversation);
    const { maxImagesPerMessage } = this.traits;
    const messages = conversation.map((turn: ChatTurn) => {
      const turnImages = turn.role === 'user' ? (turn.images ?? []) : [];
      if (turnImages.length > maxImagesPerMessage) {
        throw new TooManyImagesError(`A message can carry at most ${maxImagesPerMessage} image for ${model.entry.name}; this one has ${turnImages.length}.`, {
          images: turnImages.length,
          maxImages: maxImagesPerMessage,
        });
      }
      for (const { id } of turnImages) {
        const image = images.get(id);
        if (!image) throw new InvalidRequestError(`Image ${id} was not sent to the worker.`);
        // One frame whatever the detail asked for: the processor has no other.
        promptImages.push({ id, image, plan: planImage(image.width, image.height, 'low', model.device, model.geometry) });
      }
      const text = turn === unfinished ? UNFINISHED_ANSWER_MARK : neutralizeSpecialTokens(turn.role === 'assistant' ? turn.text.trimStart() : turn.text);
      // The layout of the model card's example: the image token right before the question.
      return { role: turn.role, content: IMAGE_TOKEN.repeat(turnImages.length) + text };
    });
    let template = tokenizer.apply_chat_template(messages as never, { tokenize: false, add_generation_prompt: !unfinished }) as string;
    if (unfinished) template = continueAt(template, unfinished, model.entry.name);
    const parts = template.split(IMAGE_TOKEN);
    if (parts.length !== promptImages.length + 1) {
      throw new InvalidRequestError(`The chat template produced ${parts.length - 1} image slots for ${promptImages.length} images.`);
    }
    const expanded = IMAGE_TOKEN.repeat(model.tokensPerFrame);
    const ids = tokenizer.encode(parts.join(expanded), { add_special_tokens: false });

    const spans: PromptImage[] = [];
    let cursor = 0;
    for (const item of promptImages) {
      while (cursor < ids.length && ids[cursor] !== model.imageTokenId) cursor++;
      const first = cursor;
      while (cursor < ids.length && ids[cursor] === model.imageTokenId) cursor++;
      if (cursor - first !== model.tokensPerFrame) {
        throw new InvalidRequestError(`Image token layout mismatch: expected a run of ${model.tokensPerFrame}, found ${cursor - first}.`);
      }
      spans.push({ key: `${item.image.contentHash ?? item.id}|${model.geometry.frameSize}`, ...item, firstImageToken: first, endImageToken: cursor });
    }
    const imageTokens = spans.length * model.tokensPerFrame;
    if (ids.length + 1 > model.contextLength) {
      throw new ContextOverflowError(
        `This conversation is ${ids.length} tokens (${imageTokens} of them image tokens) and ${model.entry.name} reads at most ${model.contextLength}. Start a new chat or remove images.`,
        { promptTokens: ids.length, imageTokens, contextLength: model.contextLength },
      );
    }
    return { ids, images: spans, imageTokens };
  },

  async encodeImage(model, span, features, timings, pixelsOf): Promise<void> {
    if (features.has(span.key)) return;
    const visionSession = model.model.sessions['vision_encoder']!;
    const imageProcessor = (model.processor as unknown as { image_processor: ImageProcessorLike }).image_processor;
    const preprocessStart = performance.now();
    const { pixel_values } = await imageProcessor(pixelsOf(span.id));
    const pixelValues = toType(pixel_values, sessionInputType(visionSession, 'pixel_values'));
    timings.imagePreprocessMs += performance.now() - preprocessStart;
    // The decoder's embedding type: the features are copied into its inputs as they are.
    const type = sessionInputType(model.decoder, 'inputs_embeds') === 'float16' ? 'float16' : 'float32';
    const visionStart = performance.now();
    const output = toType(await model.model.encode_image({ pixel_values: pixelValues }), type);
    timings.visionEncodeMs += performance.now() - visionStart;
    const hidden = output.dims.at(-1)!;
    const data = (output.data as Float32Array | Uint16Array).slice();
    output.dispose();
    timings.imagesEncoded++;
    features.set(span.key, { data, type, rows: data.length / hidden, hidden });
  },

  async embed(model, prompt, start, timings: EmbedTimings, features, pixelsOf): Promise<OrtTensor> {
    const suffix = prompt.ids.slice(start);
    const inputIds = new Tensor('int64', BigInt64Array.from(suffix, (id) => BigInt(id)), [1, suffix.length]);
    const embeds = toType(await model.model.encode_text({ input_ids: inputIds }), sessionInputType(model.decoder, 'inputs_embeds'));
    const hidden = embeds.dims.at(-1)!;
    const target = embeds.data as Float32Array | Uint16Array;
    for (const span of prompt.images) {
      if (span.firstImageToken < start) continue; // already in the KV cache
      await this.encodeImage!(model, span, features, timings, pixelsOf);
      const image = features.get(span.key)!;
      if (image.rows !== span.endImageToken - span.firstImageToken || image.hidden !== hidden) {
        throw new InvalidRequestError(`The vision encoder returned ${image.rows} feature rows of width ${image.hidden} for ${span.endImageToken - span.firstImageToken} image tokens of width ${hidden}.`);
      }
      // The image's tokens are one contiguous run: its features go there row for row.
      target.set(image.data, (span.firstImageToken - start) * hidden);
    }
    return embeds.ort_tensor as OrtTensor;
  },
};
