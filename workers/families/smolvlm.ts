/**
 * SmolVLM (Idefics3 architecture): SigLIP vision encoder, pixel-shuffle connector (both inside
 * `vision_encoder.onnx`), token embeddings (`embed_tokens.onnx`) and a Llama decoder with KV cache
 * (`decoder_model_merged.onnx`). Loading goes through transformers.js exactly as for a Hub model
 * (workers/runtime/transformers-load.ts, shared by every family); the prompt layout mirrors
 * Idefics3Processor, with the image detail chosen per image.
 */
import { AutoModelForImageTextToText, AutoProcessor, Tensor, type PreTrainedModel, type Processor, type RawImage } from '@huggingface/transformers';
import { ContextOverflowError, InvalidRequestError, TooManyImagesError } from '../errors.ts';
import { expandImagePlaceholder, offeredDetail, planImage, type ImagePlan } from '../models/image-detail.ts';
import { expandVideoPlaceholder, FRAMES_FOR_IMAGE_MODELS, parseVideoSampling } from '../models/video.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import { FAMILY_TRAITS } from '../models/registry.ts';
import type { ChatTurn, LoadProgress, ModelEntry, VideoSampling } from '../protocol.ts';
import type { OrtSession, OrtTensor } from '../runtime/ort-types.ts';
import { loadWithTransformers } from '../runtime/transformers-load.ts';
import type { ImageSize, LoadedModel, PreparedPrompt, PromptImage, VlmFamily } from './family.ts';
import { answerEndIds, requireSessions } from './model-setup.ts';
import { neutralizeSpecialTokens } from './special-tokens.ts';
import { sessionInputType, toType } from './tensor-types.ts';
import { continueAt, UNFINISHED_ANSWER_MARK, unfinishedAnswer } from './unfinished-answer.ts';

interface Idefics3ImageProcessorLike {
  size: { longest_edge: number };
  (image: RawImage, options: { do_image_splitting: boolean; return_row_col_info: boolean }): Promise<{
    pixel_values: Tensor;
    pixel_attention_mask: Tensor;
    rows: number[][];
    cols: number[][];
  }>;
}

interface ModelWithEncoders extends PreTrainedModel {
  sessions: Record<string, OrtSession>;
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  encode_image(inputs: { pixel_values: Tensor; pixel_attention_mask: Tensor }): Promise<Tensor>;
}

export interface SmolVlmModel extends LoadedModel {
  model: ModelWithEncoders;
  processor: Processor;
  imageTokenId: number;
}

/**
 * The vision encoder's inputs one frame at a time. Frames never attend to each other, so the
 * features are the same as in one batched run, but the encoder's activations grow with the batch
 * (its attention scores alone are frames x 12 heads x 1024 x 1024 floats): 17 frames at once grew
 * the WASM heap by about 2 GB, which WebAssembly memory never gives back.
 */
function* framesOf(pixelValues: Tensor, pixelAttentionMask: Tensor): Generator<{ pixel_values: Tensor; pixel_attention_mask: Tensor }> {
  const [batch, frames] = pixelValues.dims as [number, number];
  if (batch * frames <= 1) {
    yield { pixel_values: pixelValues, pixel_attention_mask: pixelAttentionMask };
    return;
  }
  const pixelDims = pixelValues.dims.slice(2);
  const maskDims = pixelAttentionMask.dims.slice(2);
  const pixelSize = pixelDims.reduce((a, b) => a * b, 1);
  const maskSize = maskDims.reduce((a, b) => a * b, 1);
  const pixels = pixelValues.data as Float32Array | Uint16Array;
  const mask = pixelAttentionMask.data as Uint8Array;
  for (let frame = 0; frame < batch * frames; frame++) {
    yield {
      pixel_values: new Tensor(pixelValues.type, pixels.subarray(frame * pixelSize, (frame + 1) * pixelSize), [1, 1, ...pixelDims]),
      pixel_attention_mask: new Tensor(pixelAttentionMask.type, mask.subarray(frame * maskSize, (frame + 1) * maskSize), [1, 1, ...maskDims]),
    };
  }
}

/** Stands in for a video while the chat template runs (as text, so the turn opens with "User: " as for the reference's video entry). */
const VIDEO_MARK = '\uE000video\uE000';

/**
 * The model's own `video_sampling` (SmolVLM2's preprocessor_config.json), else the defaults for a
 * model trained on images, at the frame size its processor squares frames to.
 */
function videoSamplingOf(processor: Processor): VideoSampling {
  const config = (processor as unknown as { image_processor?: { config?: { max_image_size?: { longest_edge?: number } } } }).image_processor?.config;
  return parseVideoSampling(config) ?? { ...FRAMES_FOR_IMAGE_MODELS, frameSize: config?.max_image_size?.longest_edge ?? FRAMES_FOR_IMAGE_MODELS.frameSize };
}

/** A video frame: one global frame at the video frame size, never tiles (the reference never splits video frames). */
function framePlan(frameSize: number, tokensPerFrame: number): ImagePlan {
  return { longestEdge: frameSize, split: false, rows: 0, cols: 0, frames: 1, imageTokens: tokensPerFrame };
}

/**
 * Token ids of `text`, where each answer mark in `generated` becomes the ids the model generated
 * for it. The model generated them right after the generation prompt ("Assistant:"), so the
 * space the template writes before an answer goes too. The pieces between marks end before an
 * answer and start at the end-of-utterance token, where tokenizing them apart gives the same ids
 * as tokenizing the whole (the pre-tokenizer splits there anyway).
 */
export function tokenizeWithGenerated(text: string, generated: ReadonlyMap<string, { text: string; ids: readonly number[] }>, encode: (piece: string) => number[]): number[] {
  if (generated.size === 0) return encode(text);
  const ids: number[] = [];
  let pending = '';
  for (const piece of text.split(/(\uE001answer-\d+\uE001)/)) {
    const answer = generated.get(piece);
    if (!answer) {
      pending += piece;
      continue;
    }
    if (!pending.endsWith(' ')) {
      // Not laid out the way it was generated: tokenize the text as usual.
      pending += answer.text;
      continue;
    }
    ids.push(...encode(pending.slice(0, -1)), ...answer.ids);
    pending = '';
  }
  if (pending) ids.push(...encode(pending));
  return ids;
}

export const smolVlmFamily: VlmFamily<SmolVlmModel> = {
  traits: FAMILY_TRAITS.smolvlm,

  async load(entry: ModelEntry, attempt: DeviceLoad, onProgress: (progress: LoadProgress) => void) {
    const { device, dtype } = attempt;
    const { processor, model } = await loadWithTransformers(entry, attempt, onProgress, async ({ name, revision }, progress_callback, session_options) => ({
      processor: await AutoProcessor.from_pretrained(name, { progress_callback, revision }),
      model: (await AutoModelForImageTextToText.from_pretrained(name, { device, dtype, progress_callback, revision, session_options })) as unknown as ModelWithEncoders,
    }));
    const config = model.config as unknown as {
      image_token_id?: number;
      image_token_index?: number;
      text_config?: { max_position_embeddings?: number };
    };
    const tokenizer = processor.tokenizer!;
    const imageTokenId = config.image_token_id ?? config.image_token_index ?? tokenizer.convert_tokens_to_ids('<image>');
    const eosTokenIds = answerEndIds(model, tokenizer.convert_tokens_to_ids('<end_of_utterance>'));
    const tokensPerFrame = Number((processor.config as { image_seq_len?: number }).image_seq_len ?? entry.geometry.tokensPerFrame);
    const decoder = requireSessions(model.sessions, entry, ['vision_encoder', 'embed_tokens', 'decoder_model_merged'], 'decoder_model_merged');
    return {
      entry,
      device,
      dtype,
      decoder,
      model,
      processor,
      imageTokenId,
      eosTokenIds,
      tokensPerFrame,
      videoSampling: videoSamplingOf(processor),
      contextLength: Math.min(config.text_config?.max_position_embeddings ?? entry.contextLength, entry.contextLength),
      decode: (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: true }),
      dispose: async () => {
        await model.dispose();
      },
    };
  },

  preparePrompt(model, conversation, images, requestedDetail, memory): PreparedPrompt {
    const tokenizer = model.processor.tokenizer!;
    const detail = offeredDetail(requestedDetail, model.entry.details);
    const promptImages: { id: string; image: ImageSize; plan: ImagePlan }[] = [];
    const unfinished = unfinishedAnswer(conversation);
    const { maxImagesPerMessage } = this.traits;
    // Answers this runtime wrote are laid out with the ids it generated (see PromptMemory).
    const generated = new Map<string, { text: string; ids: readonly number[] }>();
    const videos: string[] = [];
    const messages = conversation.map((turn: ChatTurn, index) => {
      const turnImages = turn.role === 'user' ? (turn.images ?? []) : [];
      const video = turn.role === 'user' ? turn.video : undefined;
      if (video) {
        const sampling = model.videoSampling ?? FRAMES_FOR_IMAGE_MODELS;
        if (video.timestamps.length !== turnImages.length || turnImages.length === 0) {
          throw new InvalidRequestError(`A video turn has ${turnImages.length} frames and ${video.timestamps.length} timestamps.`);
        }
        if (turnImages.length > sampling.maxFrames) {
          throw new TooManyImagesError(`A video can carry at most ${sampling.maxFrames} frames for ${model.entry.name}; this one has ${turnImages.length}.`, {
            images: turnImages.length,
            maxImages: sampling.maxFrames,
          });
        }
        // Each frame becomes one `<image>` placeholder, expanded below like any image's.
        videos.push(expandVideoPlaceholder(video.timestamps, video.durationSeconds, '<image>'));
      } else if (turnImages.length > maxImagesPerMessage) {
        throw new TooManyImagesError(`A message can carry at most ${maxImagesPerMessage} images for ${model.entry.name}; this one has ${turnImages.length}.`, {
          images: turnImages.length,
          maxImages: maxImagesPerMessage,
        });
      }
      for (const { id } of turnImages) {
        const image = images.get(id);
        if (!image) throw new InvalidRequestError(`Image ${id} was not sent to the worker.`);
        const plan = video
          ? framePlan((model.videoSampling ?? FRAMES_FOR_IMAGE_MODELS).frameSize, model.tokensPerFrame)
          : planImage(image.width, image.height, detail, model.device, model.entry.geometry);
        promptImages.push({ id, image, plan });
      }
      let text = turn === unfinished ? UNFINISHED_ANSWER_MARK : neutralizeSpecialTokens(turn.role === 'assistant' ? turn.text.trimStart() : turn.text);
      const ids = turn.role === 'assistant' && turn !== unfinished ? memory?.answerIds(turn.text.trim()) : undefined;
      if (ids && tokenizer.decode([...ids], { skip_special_tokens: false }).trimStart() === text) {
        const mark = `\uE001answer-${index}\uE001`;
        generated.set(mark, { text, ids });
        text = mark;
      }
      return {
        role: turn.role,
        content: video ? [{ type: 'text', text: VIDEO_MARK }, { type: 'text', text }] : [...turnImages.map(() => ({ type: 'image' })), { type: 'text', text }],
      };
    });
    let template = tokenizer.apply_chat_template(messages as never, { tokenize: false, add_generation_prompt: !unfinished }) as string;
    if (unfinished) {
      // "…User: question<end_of_utterance>\nAssistant: partial answer": the generation prompt then
      // the text so far, without the end of utterance the template closes a turn with, so the
      // model writes on from it. The question's own prompt is a prefix of this one: its KV cache is reused.
      template = continueAt(template, unfinished, model.entry.name);
    }
    for (const layout of videos) template = template.replace(VIDEO_MARK, () => layout);
    const parts = template.split('<image>');
    if (parts.length !== promptImages.length + 1) {
      throw new InvalidRequestError(`The chat template produced ${parts.length - 1} image slots for ${promptImages.length} images.`);
    }
    let text = parts[0]!;
    promptImages.forEach((item, index) => {
      text += expandImagePlaceholder(item.plan, model.tokensPerFrame) + parts[index + 1]!;
    });
    const ids = tokenizeWithGenerated(text, generated, (piece) => tokenizer.encode(piece, { add_special_tokens: false }));

    // Locate each image's run of image tokens, in order.
    const spans: PromptImage[] = [];
    let cursor = 0;
    for (const item of promptImages) {
      let first = -1;
      let end = -1;
      for (let frame = 0; frame < item.plan.frames; frame++) {
        while (cursor < ids.length && ids[cursor] !== model.imageTokenId) cursor++;
        const runStart = cursor;
        while (cursor < ids.length && ids[cursor] === model.imageTokenId) cursor++;
        if (cursor - runStart !== model.tokensPerFrame) {
          throw new InvalidRequestError(`Image token layout mismatch: expected runs of ${model.tokensPerFrame}, found ${cursor - runStart}.`);
        }
        if (first < 0) first = runStart;
        end = cursor;
      }
      spans.push({ key: `${item.image.contentHash ?? item.id}|${item.plan.longestEdge}|${item.plan.split}`, ...item, firstImageToken: first, endImageToken: end });
    }
    const imageTokens = spans.reduce((sum, span) => sum + span.plan.imageTokens, 0);
    if (ids.length + 1 > model.contextLength) {
      throw new ContextOverflowError(
        `This conversation is ${ids.length} tokens (${imageTokens} of them image tokens) and ${model.entry.name} reads at most ${model.contextLength}. Start a new chat, remove images or choose a lower image detail.`,
        { promptTokens: ids.length, imageTokens, contextLength: model.contextLength },
      );
    }
    return { ids, images: spans, imageTokens };
  },

  async encodeImage(model, span, features, timings, pixelsOf): Promise<void> {
    if (features.has(span.key)) return;
    const visionSession = model.model.sessions['vision_encoder']!;
    const imageProcessor = (model.processor as unknown as { image_processor: Idefics3ImageProcessorLike }).image_processor;
    const preprocessStart = performance.now();
    const savedSize = imageProcessor.size;
    imageProcessor.size = { ...savedSize, longest_edge: span.plan.longestEdge };
    let processed: Awaited<ReturnType<Idefics3ImageProcessorLike>>;
    try {
      processed = await imageProcessor(pixelsOf(span.id), { do_image_splitting: span.plan.split, return_row_col_info: true });
    } finally {
      imageProcessor.size = savedSize;
    }
    if (processed.rows[0]![0] !== span.plan.rows || processed.cols[0]![0] !== span.plan.cols) {
      throw new InvalidRequestError(`Image tiling disagrees with the plan (${processed.rows[0]![0]}x${processed.cols[0]![0]} vs ${span.plan.rows}x${span.plan.cols}).`);
    }
    const pixelValues = toType(processed.pixel_values, sessionInputType(visionSession, 'pixel_values'));
    timings.imagePreprocessMs += performance.now() - preprocessStart;

    // The decoder's embedding type: the features are copied into its inputs as they are.
    const type = sessionInputType(model.decoder, 'inputs_embeds') === 'float16' ? 'float16' : 'float32';
    const frames: (Float32Array | Uint16Array)[] = [];
    let hidden = 0;
    for (const frame of framesOf(pixelValues, processed.pixel_attention_mask)) {
      const visionStart = performance.now();
      const output = toType(await model.model.encode_image(frame), type);
      timings.visionEncodeMs += performance.now() - visionStart;
      hidden = output.dims.at(-1)!;
      frames.push((output.data as Float32Array | Uint16Array).slice());
      output.dispose();
    }
    const length = frames.reduce((sum, frame) => sum + frame.length, 0);
    const data = type === 'float16' ? new Uint16Array(length) : new Float32Array(length);
    let offset = 0;
    for (const frame of frames) {
      data.set(frame, offset);
      offset += frame.length;
    }
    timings.imagesEncoded++;
    features.set(span.key, { data, type, rows: length / hidden, hidden });
  },

  async embed(model, prompt, start, timings, features, pixelsOf): Promise<OrtTensor> {
    const suffix = prompt.ids.slice(start);
    const inputIds = new Tensor('int64', BigInt64Array.from(suffix, (id) => BigInt(id)), [1, suffix.length]);
    let embeds = await model.model.encode_text({ input_ids: inputIds });
    embeds = toType(embeds, sessionInputType(model.decoder, 'inputs_embeds'));
    const hidden = embeds.dims.at(-1)!;
    const target = embeds.data as Float32Array | Uint16Array;

    for (const span of prompt.images) {
      if (span.firstImageToken < start) continue; // already in the KV cache
      await this.encodeImage!(model, span, features, timings, pixelsOf);
      // Encoded just now, or kept from an earlier generation or from work done ahead of it.
      const image = features.get(span.key)!;
      if (image.hidden !== hidden || image.type !== embeds.type) {
        throw new InvalidRequestError(`Image features of width ${image.hidden} (${image.type}) do not fit the decoder's ${hidden} (${embeds.type}).`);
      }
      let row = 0;
      let position = span.firstImageToken;
      for (; position < span.endImageToken && row < image.rows; position++) {
        if (prompt.ids[position] !== model.imageTokenId) continue;
        target.set(image.data.subarray(row * hidden, (row + 1) * hidden), (position - start) * hidden);
        row++;
      }
      if (row !== image.rows || position !== span.endImageToken) {
        throw new InvalidRequestError(`The vision encoder returned ${image.rows} feature rows for the image tokens of one image (${row} filled).`);
      }
    }
    return embeds.ort_tensor as OrtTensor;
  },
};
