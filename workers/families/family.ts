/**
 * What a model family (SmolVLM, FastVLM, Florence-2; Qwen2-VL, Moondream later) provides to the
 * generic runtime: its traits (sessions, capabilities: workers/models/registry.ts), how to load
 * its sessions and processor, how a conversation becomes token ids (the prompt layout and the
 * image-token arithmetic), how token ids and images become the decoder's input embeddings, and,
 * for an encoder-decoder family, what its encoder hands every decoder step. The runtime owns the
 * rest: the decoding loop, the KV cache and its reuse across turns (when the family allows it),
 * sampling, streaming, interrupts and timings. workers/families/README.md says how to add one.
 */
import type { RawImage } from '@huggingface/transformers';
import type { ImagePlan } from '../models/image-detail.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import type { FamilyTraits } from '../models/registry.ts';
import type { AnswerRegions, ChatTurn, Device, DtypeMap, ImageDetail, LoadProgress, ModelEntry, VideoSampling } from '../protocol.ts';
import type { FeatureStore } from '../runtime/feature-store.ts';
import type { OrtSession, OrtTensor } from '../runtime/ort-types.ts';

export interface LoadedModel {
  entry: ModelEntry;
  device: Device;
  dtype: DtypeMap;
  /** The session the runtime runs step by step and whose KV cache (`present.*` -> `past_key_values.*`) it keeps. */
  decoder: OrtSession;
  /** Tokens the decoder reads at most (prompt and answer). */
  contextLength: number;
  eosTokenIds: readonly number[];
  tokensPerFrame: number;
  /** How the model samples a video (its config's, else the defaults for image models); absent: no video. */
  videoSampling?: VideoSampling;
  /** Token ids to text (for streaming). */
  decode(ids: number[]): string;
  /** Releases every session (and the GPU memory behind them). */
  dispose(): Promise<void>;
}

/** What laying out a prompt needs of an image: its size (the pixels are needed only to encode it). */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
  /**
   * A hash of its pixels, when known: the same picture under another id (a new chat, a second
   * attachment) then shares its features and KV cache entries.
   */
  readonly contentHash?: string;
}

/** One image's span of image tokens in a prompt. */
export interface PromptImage {
  /** The image's content (or id) + the plan that shaped its tokens: equal keys mean equal features. */
  key: string;
  id: string;
  /** Its size (what the layout needs); the pixels come from `embed`'s `pixelsOf`. */
  image: ImageSize;
  plan: ImagePlan;
  /** Index in the prompt's token ids of its first `<image>` token. */
  firstImageToken: number;
  /** Index just past its last `<image>` token. */
  endImageToken: number;
}

export interface PreparedPrompt {
  /** The decoder's prompt token ids (the KV cache is keyed on them). */
  ids: number[];
  /** The images the answer needs (a decoder-only family: where their tokens are in `ids`). */
  images: PromptImage[];
  imageTokens: number;
  /** Encoder-decoder families: the encoder's text token ids (the images' features go before them). */
  encoderIds?: number[];
  /** Families with fixed tasks: the task this prompt runs (a plain question becomes the closest one). */
  task?: string;
}

export interface EmbedTimings {
  imagePreprocessMs: number;
  visionEncodeMs: number;
  imagesEncoded: number;
}

/** What the runtime keeps across generations that a family's prompt and embeddings draw on. */
export interface PromptMemory {
  /**
   * The token ids the model generated for an answer with this text (trimmed), if this runtime
   * wrote it: laying the answer out with them keeps the prompt equal to what the KV cache holds
   * (tokenizing the text anew can give other ids), so a follow-up reuses the whole turn.
   */
  answerIds(text: string): readonly number[] | undefined;
}

/** Decoder inputs an encoder-decoder family's encoder produced for one answer, by input name. */
export type EncoderFeeds = Record<string, OrtTensor>;

/**
 * A family adapter, typed against the model its own `load` returns. The runtime only ever hands a
 * family the model that family loaded (the engine keeps them together), which is why the
 * registry of adapters (index.ts) can hold every family as a `VlmFamily` without a cast.
 */
export interface VlmFamily<Model extends LoadedModel = LoadedModel> {
  /** Sessions, config files, image limits and capabilities: the registry's FAMILY_TRAITS entry. */
  readonly traits: FamilyTraits;
  /** Loads `entry` on the device, in the formats, with the files `attempt` plans (workers/models/load-plan.ts). */
  load(entry: ModelEntry, attempt: DeviceLoad, onProgress: (progress: LoadProgress) => void): Promise<Model>;
  /**
   * Token ids of the conversation, with a generation prompt for the assistant's next turn; when the
   * last turn is an unfinished answer, that prompt followed by the answer so far (see ChatTurn).
   */
  preparePrompt(model: Model, conversation: readonly ChatTurn[], images: ReadonlyMap<string, ImageSize>, detail: ImageDetail, memory?: PromptMemory): PreparedPrompt;
  /**
   * Families whose images become rows of the decoder's input embeddings: runs the vision encoder
   * (and connector) on one image of the prompt and keeps its features in `features` under
   * `image.key`, unless they are there already. The runtime uses it to read images ahead of
   * Enter (`prepare`); `embed` uses the same features.
   */
  encodeImage?(model: Model, image: PromptImage, features: FeatureStore, timings: EmbedTimings, pixelsOf: (id: string) => RawImage): Promise<void>;
  /**
   * Embeddings of `prompt.ids[start:]`: token embeddings, with the features of the images whose
   * tokens fall in that range (from `features`, encoded first where missing).
   */
  embed(model: Model, prompt: PreparedPrompt, start: number, timings: EmbedTimings, features: FeatureStore, pixelsOf: (id: string) => RawImage): Promise<OrtTensor>;
  /**
   * Encoder-decoder families only: runs the encoder side of `prompt` (its images and task text)
   * once per answer and returns the inputs every decoder step takes besides its own
   * (`encoder_hidden_states`, `encoder_attention_mask`). The runtime feeds them to the prefill and
   * to each decoding step, and disposes of them when the answer ends. Such a family declares
   * `multiTurnKvReuse: false`: its decoder's cache depends on the encoder input, so every answer
   * is prefilled from scratch.
   */
  encode?(model: Model, prompt: PreparedPrompt, timings: EmbedTimings, pixelsOf: (id: string) => RawImage): Promise<EncoderFeeds>;
  /** Families whose answers point into the image (`boxes`): the regions the generated tokens name, in the image's pixels. */
  regions?(model: Model, prompt: PreparedPrompt, tokenIds: readonly number[]): AnswerRegions | null;
}
