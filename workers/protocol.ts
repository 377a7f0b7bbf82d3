/**
 * The contract between the page and the model worker: the types both threads share, and the one
 * list of image details. It imports nothing (a lint rule keeps it so); the page imports nothing
 * of the worker's runtime (see tsconfig.app.json).
 */

/** Where the model runs. */
export type Device = 'webgpu' | 'wasm';
/** What the caller asks for: `auto` is WebGPU when an adapter exists, else WASM. */
export type DeviceRequest = 'auto' | Device;
/** Weight formats the published ONNX files come in (transformers.js dtype names). */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
/**
 * An ONNX session of a model, named as transformers.js names its files (`vision_encoder`,
 * `embed_tokens`, `encoder_model`, `decoder_model_merged`, ...). Each family declares its own
 * (workers/models/registry.ts, FAMILY_TRAITS).
 */
export type SessionName = string;
/** What a session does: the dtype policy picks formats per role (workers/models/dtype-policy.ts). */
export type SessionRole = 'vision' | 'embed' | 'encoder' | 'decoder';
/** The dtype chosen for each of a model's sessions. */
export type DtypeMap = Record<SessionName, Dtype>;
/** How many frames an image is cut into, cheapest first: see workers/models/image-detail.ts. */
export const IMAGE_DETAILS = ['low', 'auto', 'high'] as const;
export type ImageDetail = (typeof IMAGE_DETAILS)[number];

// --- Models: what both threads know about one (the registry is workers/models/registry.ts) ---

export interface ModelFile {
  /** Path inside the model repository. */
  path: string;
  size: number;
  /** Hex sha256 when known (the Hub's LFS pointer, or computed by our generator/fetcher). */
  sha256?: string;
}

/** Where a model's files come from: a Hub repository, or this site (`/models/<id>/`). */
export type ModelSource = { kind: 'hub'; repo: string; revision: string } | { kind: 'origin'; baseUrl: string };

/** Names the model family adapter that runs it (workers/families). */
export type ModelFamilyId = 'smolvlm' | 'fastvlm' | 'florence2';
/** Every family id, for validating what `/models/index.json` says. */
export const MODEL_FAMILY_IDS: readonly ModelFamilyId[] = ['smolvlm', 'fastvlm', 'florence2'];

/** What a family can do, for the page (what to offer) and the runtime (what to keep). */
export interface FamilyCapabilities {
  /** Free-form questions and answers about images. */
  chat: boolean;
  /**
   * Keeps the decoder's KV cache across turns so a follow-up runs only its new tokens. A family
   * without it (an encoder-decoder whose encoder input changes every question) is re-prefilled.
   */
  multiTurnKvReuse: boolean;
  /** Fixed tasks chosen from a list (captioning, OCR, detection) instead of free questions. */
  tasks: boolean;
  /** Answers that carry boxes or polygons over the image. */
  boxes: boolean;
}

/** How a model's processor cuts images into frames and tokens. */
export interface ImageGeometry {
  /** Frame edge the vision encoder takes (512 for SmolVLM). */
  frameSize: number;
  /** Image tokens per frame after the connector (64 for SmolVLM). */
  tokensPerFrame: number;
  /** The processor's default resize target for the longest edge (2048 for SmolVLM). */
  defaultLongestEdge: number;
}

/**
 * How a model samples a video (SmolVLM2's `video_sampling` in preprocessor_config.json, read at
 * load): frames per second, the most frames, and the frame edge.
 */
export interface VideoSampling {
  fps: number;
  maxFrames: number;
  frameSize: number;
  /** False for a model with no video settings (trained on images): the app's defaults, less reliable. */
  fromModelConfig: boolean;
}

/** What a model does with video: trained on it (SmolVLM2), or only shown its frames as images (v1). */
export type VideoSupport = 'trained' | 'frames';

export interface ModelEntry {
  id: string;
  name: string;
  family: ModelFamilyId;
  source: ModelSource;
  description: string;
  contextLength: number;
  geometry: ImageGeometry;
  /** Every file the app fetches: configs, tokenizer and each published ONNX variant. */
  files: ModelFile[];
  /** True when sizes are estimates from parameter counts (exact per-file sizes not bundled). */
  sizesAreEstimates: boolean;
  /** Ships with the app: served from our origin, no download to consent to, works offline. */
  builtIn?: boolean;
  /** The image details the model was trained for, lowest first; absent means every detail. */
  details?: readonly ImageDetail[];
  /** What the model can and cannot do, in one line, for the picker and the first-run card. */
  knows?: string;
  /** Video: trained on it, or as a series of frames (absent: as frames). */
  video?: VideoSupport;
}

export interface WebGpuCapabilities {
  available: boolean;
  /** Why WebGPU cannot be used, when it cannot. */
  reason?: string;
  adapter?: { vendor: string; architecture: string; device: string; description: string };
  /** True when the adapter is a software rasterizer (SwiftShader): correct but slow. */
  isSoftware: boolean;
  shaderF16: boolean;
  maxBufferSize?: number;
}

export interface Capabilities {
  webgpu: WebGpuCapabilities;
  crossOriginIsolated: boolean;
  /** Threads ONNX Runtime's WASM backend will use (1 when not cross-origin isolated). */
  wasmThreads: number;
  hardwareConcurrency: number;
}

export interface LoadOptions {
  device?: DeviceRequest;
  /** One dtype for every session, or per session; missing entries follow the policy. */
  dtype?: Dtype | Partial<DtypeMap>;
}

export interface FileProgress {
  /** Path inside the model repository, e.g. `onnx/decoder_model_merged.onnx`. */
  file: string;
  loaded: number;
  /** 0 while unknown. */
  total: number;
  done: boolean;
}

export type LoadPhase = 'fetching' | 'creating-sessions' | 'warming-up' | 'ready';

export interface LoadProgress {
  phase: LoadPhase;
  /** One line a person can read: "Downloading decoder_model_merged.onnx", "Compiling WebGPU shaders". */
  message: string;
  files: FileProgress[];
  loadedBytes: number;
  totalBytes: number;
}

export interface LoadResult {
  modelId: string;
  device: Device;
  dtype: DtypeMap;
  /** Bytes of model files fetched or read from cache. */
  bytes: number;
  /** Set when `auto` or `webgpu` was asked for and the model ended up on WASM. */
  fallbackReason?: string;
  /** WASM threads in use (meaningful on the WASM device). */
  wasmThreads: number;
  contextLength: number;
  /** Image tokens one 512 px frame costs (64 for SmolVLM). */
  imageTokensPerFrame: number;
  /** How this model samples a video: from its own config, else the defaults for image models. */
  videoSampling?: VideoSampling;
  loadMs: number;
}

/** An image as the worker receives it: decoded (`ImageBitmap`) or encoded bytes, transferred. */
export type ImageSource = ImageBitmap | { bytes: ArrayBuffer; type: string };

export interface ImageInput {
  /** Stable id (the page's attachment id). The worker keeps decoded pixels by id across turns. */
  id: string;
  /** Needed the first time the worker sees the id; may be omitted afterwards. */
  source?: ImageSource;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
  /** Images of a user turn; shown to the model before the text, as SmolVLM was trained. */
  images?: ImageInput[];
  /**
   * An answer cut short that the model goes on writing: only on the last turn, an assistant one.
   * Its text is laid out as the start of the answer (after the generation prompt, with no end of
   * turn), so the tokens generated follow it directly and the question's KV cache is reused.
   */
  unfinished?: boolean;
  /** The user turn's images are the frames of one video, laid out as SmolVLM2's processor does. */
  video?: VideoClip;
}

/** A video's frames as sent: their times and the video's length (the images carry the pixels). */
export interface VideoClip {
  durationSeconds: number;
  /** Each frame's time in seconds, in the order of the turn's images. */
  timestamps: number[];
}

export type Sampling =
  | { kind: 'greedy' }
  | { kind: 'sample'; temperature: number; topP: number; seed?: number };

export interface GenerateOptions {
  maxNewTokens: number;
  sampling: Sampling;
  /** 1 = off. Values > 1 discourage repeating tokens. */
  repetitionPenalty: number;
  detail: ImageDetail;
}

export type FinishReason = 'eos' | 'length' | 'stopped' | 'error';

export interface GenerationTimings {
  imagePreprocessMs: number;
  visionEncodeMs: number;
  prefillMs: number;
  timeToFirstTokenMs: number;
  decodeMs: number;
  decodeTokensPerSecond: number;
  totalMs: number;
  /** Tokens in the whole prompt, image tokens included. */
  promptTokens: number;
  /** Image tokens in the whole prompt. */
  imageTokens: number;
  /** Prompt tokens that came from the KV cache of the previous turn (not recomputed). */
  reusedPromptTokens: number;
  /** Images run through the vision encoder in this call (0 when all came from the cache). */
  imagesEncoded: number;
  newTokens: number;
  /**
   * Prompt tokens (the images and what comes before them) prefilled ahead, while the person was
   * still typing (`prepare`), and how long before this call that work was done; both 0 when
   * nothing prepared ahead was used.
   */
  preparedTokens: number;
  preparedAheadMs: number;
  /**
   * Bytes of logits the prefill brought out of ONNX Runtime: every prompt position's on WASM,
   * only the last row on WebGPU (the rest stays on the GPU; sampling needs no more).
   */
  logitsBytesRead: number;
}

/** Timings of a run that has measured nothing yet (every figure 0). */
export function zeroTimings(): GenerationTimings {
  return {
    imagePreprocessMs: 0,
    visionEncodeMs: 0,
    prefillMs: 0,
    timeToFirstTokenMs: 0,
    decodeMs: 0,
    decodeTokensPerSecond: 0,
    totalMs: 0,
    promptTokens: 0,
    imageTokens: 0,
    reusedPromptTokens: 0,
    imagesEncoded: 0,
    newTokens: 0,
    preparedTokens: 0,
    preparedAheadMs: 0,
    logitsBytesRead: 0,
  };
}

/** A box in an image's own pixels: left, top, right, bottom. */
export type PixelBox = readonly [number, number, number, number];

/** One thing an answer points at in an image, in the image's own pixels. */
export interface ImageRegion {
  label: string;
  /** Left, top, right, bottom (ordered, inside the image). */
  box: PixelBox;
  /** OCR with regions: the quadrilateral's corners x1, y1 .. x4, y4 (`box` is their bounds). */
  quad?: readonly number[];
}

/** The regions one answer found in one image, with the size they are measured in. */
export interface AnswerRegions {
  /** The task that produced them (Florence-2's task token, e.g. `<OD>`). */
  task: string;
  imageId: string;
  width: number;
  height: number;
  regions: ImageRegion[];
}

export interface GenerateResult {
  text: string;
  /** Families that answer with boxes (FamilyCapabilities.boxes): where in the image the answer points. */
  regions?: AnswerRegions;
  /** Families with fixed tasks: the task the question ran as (a plain question becomes the closest one). */
  task?: string;
  finishReason: FinishReason;
  timings: GenerationTimings;
  /** Token ids generated (for cross-checks between backends). */
  tokenIds: number[];
  /** With finishReason `error`: what went wrong, with its facts. */
  error?: ErrorInfo;
}

/**
 * How a `prepare` call ended. `prepared`: the images are encoded and the prompt up to their last
 * token is in the KV cache; `already-prepared`: it was, nothing ran; `nothing-to-prepare`: the last
 * turn has no image (work prepared for images since removed is dropped); `preempted`: a generation
 * came first (what was finished is kept and used); `superseded`: a newer `prepare`, a reset, a load
 * or an unload came;
 * `skipped`: no model, or a generation is running; `failed`: see `message` (nothing is thrown:
 * the generation that follows reports the same problem in its own words).
 */
export type PrepareOutcome = 'prepared' | 'already-prepared' | 'nothing-to-prepare' | 'preempted' | 'superseded' | 'skipped' | 'failed';

export interface PrepareResult {
  outcome: PrepareOutcome;
  /** Prompt tokens the prepared work covers (images and what comes before them). */
  preparedTokens: number;
  imagesEncoded: number;
  message?: string;
}

/** A token count for a conversation, before running it. */
export interface PromptEstimate {
  promptTokens: number;
  imageTokens: number;
  contextLength: number;
  /** Per image: frames and tokens under the chosen detail. */
  images: { id: string; frames: number; tokens: number; width: number; height: number }[];
}

/**
 * Receives pieces of the answer as they are decoded. `tokens` is how many decoded tokens the piece
 * carries: one at a time while the page keeps up, several when the page was busy (the worker sends
 * text with backpressure, workers/runtime/piece-sender.ts), 0 for a final flush of text.
 */
export type TokenCallback = (piece: string, tokens: number) => void;
/** Receives load progress. */
export type ProgressCallback = (progress: LoadProgress) => void;

/** Most threads the app gives ORT's WASM backend, however many cores the device has. */
export const MAX_WASM_THREADS = 8;

/** Load settings beyond the model's: the page's thread choice, the benchmark's. */
export interface RuntimeLoadOptions extends LoadOptions {
  /**
   * WASM threads: the page passes the count measured for this device (src/device/wasm-threads.ts);
   * default all cores when cross-origin isolated.
   */
  wasmThreads?: number;
}

/** What the worker reports about itself. */
export interface WorkerStatus {
  loaded: LoadResult | null;
  running: boolean;
  /** Tokens held in the KV cache (reused by the next turn when its prompt extends them). */
  cachedTokens: number;
  /** Image ids whose pixels the worker holds. */
  imagesKept: string[];
  /** Bytes of decoded pixels held, never more than `imagePixelBudget` (see workers/runtime/image-store.ts). */
  imagePixelBytes: number;
  imagePixelBudget: number;
  /** Image features kept for reuse (workers/runtime/feature-store.ts): their keys, bytes and budget. */
  featureKeys: string[];
  featureBytes: number;
  featureBudget: number;
  /** Work prepared ahead that no generation has used yet: the cached prompt span and its images. */
  prepared: { tokens: number; imageKeys: string[] } | null;
}

/**
 * The worker's API, exposed with Comlink (workers/vlm.worker.ts implements it). Callbacks are
 * passed wrapped in `Comlink.proxy`; images inside `conversation` are transferred.
 */
export interface VlmWorkerApi {
  capabilities(): Promise<Capabilities>;
  listModels(): Promise<ModelEntry[]>;
  load(modelId: string, options: RuntimeLoadOptions, onProgress: ProgressCallback): Promise<LoadResult>;
  estimate(conversation: ChatTurn[], detail: ImageDetail): Promise<PromptEstimate>;
  generate(conversation: ChatTurn[], options: GenerateOptions, onToken: TokenCallback): Promise<GenerateResult>;
  /**
   * Work ahead of Enter: for a conversation whose last turn is a user message with images (its
   * text may be empty), encodes the images and prefills the prompt up to their last token, so the
   * `generate` that follows only runs the question's text. Gives way to any `generate`, load or
   * reset at its next step (one image, or the prefill).
   */
  prepare(conversation: ChatTurn[], detail: ImageDetail): Promise<PrepareResult>;
  /** Ends the running generation at the next token; resolves false when none runs. */
  interrupt(): boolean;
  /** Frees the KV cache and the images kept (image features stay: they are keyed by content). */
  reset(): Promise<void>;
  /** Frees the model: every session and GPU buffer. */
  unload(): Promise<void>;
  status(): WorkerStatus;
  /** Diagnostics and tests: destroys the GPU device, as a driver reset would. */
  simulateGpuDeviceLoss(): Promise<boolean>;
  /** Diagnostics and tests: an exception nothing catches, thrown in the worker at its next turn. */
  simulateUncaughtError(): void;
  /**
   * Takes the Web Lock `name` and holds it for the worker's life; resolves once it is held. The
   * browser releases it when the worker ends in any way (closed, killed, out of memory), which is
   * how the page learns of a death that fires no `error` event.
   */
  holdLifeline(name: string): Promise<void>;
}

/** An error that carries nothing but its message. */
export type NoFacts = Record<never, never>;

/**
 * The facts each named error carries besides its message, by name (the classes are in
 * workers/errors.ts). They cross the worker boundary as typed fields, so nobody parses a number
 * back out of a message.
 */
export interface ErrorFacts {
  /** A second `generate` (or a load, reset or unload) while one runs. */
  GenerationBusyError: NoFacts;
  /** `generate` or `estimate` before `load`. */
  ModelNotLoadedError: NoFacts;
  /** The prompt does not fit the model's context window. */
  ContextOverflowError: { promptTokens: number; imageTokens: number; contextLength: number };
  /** More images in one message than the model takes. */
  TooManyImagesError: { images: number; maxImages: number };
  /** An image that could not be decoded or is refused; `image` is its id or file name. */
  ImageDecodeError: { image: string | null };
  /** The model is unknown or could not be loaded. */
  ModelLoadError: { modelId: string };
  /** A model file failed verification `attempts` times; nothing of it was stored. */
  ModelFileIntegrityError: { modelId: string; file: string; attempts: number };
  /** A model file could not be downloaded (offline, server errors, connection lost too often). */
  ModelDownloadError: { modelId: string; file: string; offline: boolean };
  /** The browser's storage cannot hold a model file; `bytesFree` is null when the browser does not say. */
  StorageQuotaError: { modelId: string; file: string; bytesNeeded: number; bytesFree: number | null };
  /** WebGPU was asked for and is not usable. */
  WebGpuUnavailableError: NoFacts;
  /** The GPU device was lost (driver reset, out of memory, background tab on some systems). */
  GpuDeviceLostError: NoFacts;
  /**
   * The decoder's logits held NaN or infinity: weights the device computes wrongly (fp16 on some
   * GPUs, the field's most common WebGPU complaint). `device`/`dtype` are what produced them.
   */
  InvalidLogitsError: { device: Device; dtype: Dtype };
  /** A caller passed something malformed. */
  InvalidRequestError: NoFacts;
  /**
   * The worker needs these images' pixels and does not hold them (never sent, or dropped to keep
   * within its memory bound): the page sends them again. Raised before anything ran.
   */
  ImagePixelsNeededError: { images: string[] };
  /** The model worker died (the page's bridge reports it for every call still waiting). */
  WorkerCrashedError: NoFacts;
}

/** The name of every error the runtime raises on purpose: the page switches on these. */
export type VlmErrorName = keyof ErrorFacts;

/**
 * An error as data: name, message and facts. What crosses the worker boundary and what the page
 * keeps with a failed answer; anything unexpected is an `Error` with its message.
 */
export type ErrorInfo = { [Name in VlmErrorName]: { name: Name; message: string } & ErrorFacts[Name] }[VlmErrorName] | { name: 'Error'; message: string };
