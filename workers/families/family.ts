/**
 * What a model family (SmolVLM today; Florence-2, Qwen2-VL, Moondream later) provides to the
 * generic runtime: how to load its sessions and processor, how a conversation becomes token ids,
 * and how token ids and images become input embeddings for the decoder. The runtime owns the
 * rest: the decoding loop, the KV cache and its reuse across turns, sampling and streaming.
 */
import type { RawImage } from '@huggingface/transformers';
import type { ImagePlan } from '../models/image-detail.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import type { ChatTurn, Device, DtypeMap, ImageDetail, LoadProgress, ModelEntry, VideoSampling } from '../protocol.ts';
import type { FeatureStore } from '../runtime/feature-store.ts';
import type { OrtSession, OrtTensor } from '../runtime/ort-types.ts';

export interface LoadedModel {
  entry: ModelEntry;
  device: Device;
  dtype: DtypeMap;
  decoder: OrtSession;
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
  ids: number[];
  images: PromptImage[];
  imageTokens: number;
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

export interface VlmFamily<Model extends LoadedModel = LoadedModel> {
  /** Loads `entry` on the device, in the formats, with the files `attempt` plans (workers/models/load-plan.ts). */
  load(entry: ModelEntry, attempt: DeviceLoad, onProgress: (progress: LoadProgress) => void): Promise<Model>;
  /** Most images one user message may carry. */
  readonly maxImagesPerMessage: number;
  /**
   * Token ids of the conversation, with a generation prompt for the assistant's next turn; when the
   * last turn is an unfinished answer, that prompt followed by the answer so far (see ChatTurn).
   */
  preparePrompt(model: Model, conversation: readonly ChatTurn[], images: ReadonlyMap<string, ImageSize>, detail: ImageDetail, memory?: PromptMemory): PreparedPrompt;
  /**
   * Runs the vision encoder (and connector) on one image of the prompt and keeps its features in
   * `features` under `image.key`, unless they are there already.
   */
  encodeImage(model: Model, image: PromptImage, features: FeatureStore, timings: EmbedTimings, pixelsOf: (id: string) => RawImage): Promise<void>;
  /**
   * Embeddings of `prompt.ids[start:]`: token embeddings, with the features of the images whose
   * tokens fall in that range (from `features`, encoded first where missing).
   */
  embed(model: Model, prompt: PreparedPrompt, start: number, timings: EmbedTimings, features: FeatureStore, pixelsOf: (id: string) => RawImage): Promise<OrtTensor>;
}
