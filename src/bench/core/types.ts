/**
 * The benchmark's data model, shared by the in-browser suite (src/bench), the Node driver
 * (scripts/bench) and the report. Types only: no values, no DOM, no Node.
 */
import type { Dtype, ImageDetail, LoadOptions } from '../../../workers/protocol.ts';
import type { VisionEncoderConfig, VisionFlops } from './vision-flops.ts';

/** (a) the app, (b) bare transformers.js, (c) onnxruntime-node, (d) the memory-bandwidth bound. */
export type PathId = 'app' | 'bare' | 'native' | 'bound';
export type MeasuredPathId = Exclude<PathId, 'bound'>;
/** The runtime's image detail (the list is protocol.ts' IMAGE_DETAILS). */
export type DetailName = ImageDetail;

/** Median and spread of repeated measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median of per-pair ratios a/b, and an interval that holds the true median with `confidence`. */
export interface PairedRatio {
  median: number;
  /** Order statistics of the ratios: null when there are too few pairs for `confidence`. */
  low: number | null;
  high: number | null;
  /** Coverage of [low, high] for the median, from the binomial distribution (no normality assumed). */
  confidence: number;
  n: number;
}

/** How one image was cut, as the processor did it for a detail. */
export interface DetailPlan {
  longestEdge: number;
  split: boolean;
  frames: number;
  imageTokens: number;
}

/** One question about the benchmark image, up to its first token. */
export interface PrefillRun {
  detail: DetailName;
  plan: DetailPlan;
  promptTokens: number;
  /** Decoding the image file and the processor's resize/split/normalize. */
  preprocessMs: number;
  visionEncodeMs: number;
  /** Token embeddings and the decoder over the whole prompt. */
  prefillMs: number;
  /** From the request to the first token (on screen for the app path). */
  timeToFirstTokenMs: number;
}

/** One greedy answer: a timestamp per generated token, in ms from the request. */
export interface DecodeRun {
  tokenTimesMs: number[];
  tokenIds: number[];
  /** App path: the engine's own decode rate (inside the worker), to tell its loop from delivery. */
  workerTokensPerSecond?: number;
}

export interface PathMemory {
  /** JS heap (ArrayBuffers and WASM memory included) of the path's worker, highest sample. */
  peakWorkerHeapBytes?: number;
  /** ONNX Runtime's WASM linear memory at its largest. */
  peakWasmBytes?: number;
  /** Resident set of the process at its highest (native path). */
  peakRssBytes?: number;
}

/** Everything measured for one path on one backend, before summarising. */
export interface PathRuns {
  loads: { coldMs: number[]; warmMs: number[] };
  /** Time to first token of the first question after a load (before any warm-up). */
  firstQuestionTtftMs?: number[];
  prefill: PrefillRun[];
  decode: DecodeRun[];
  memory: PathMemory;
  /** What the path actually ran (dtype per session etc.). */
  notes: string[];
}

export interface DetailSummary {
  plan: DetailPlan;
  promptTokens: number;
  preprocessMs: Summary;
  visionEncodeMs: Summary;
  prefillMs: Summary;
  timeToFirstTokenMs: Summary;
}

export interface DecodeSummary {
  tokens: number;
  /** (tokens - 1) / (last - first token time), per run. */
  tokensPerSecond: Summary;
  /** Over every token interval of every run. */
  msPerTokenMedian: number;
  msPerTokenP90: number;
  /** App path: the same runs timed inside the worker. */
  workerTokensPerSecond?: Summary;
}

export interface PathSummary {
  loadColdMs: Summary | null;
  loadWarmMs: Summary | null;
  firstQuestionTtftMs: Summary | null;
  details: Partial<Record<DetailName, DetailSummary>>;
  decode: DecodeSummary | null;
  memory: PathMemory;
  notes: string[];
}

/** STREAM-style copy bandwidth in WASM, counted as STREAM does (bytes read + bytes written). */
export interface BandwidthResult {
  threads: number;
  bytesPerThread: number;
  /** Best of the repetitions (STREAM's convention) and the median. */
  bestGBps: number;
  medianGBps: number;
}

/** A rate of the multiply-add probe, in GFLOP/s (integer ops for the int8 dot; a multiply-add is 2). */
export interface ComputeRate {
  best: number;
  median: number;
}

/** SIMD multiply-add throughput in WASM (src/bench/compute), on `threads` workers at once. */
export interface ComputeResult {
  threads: number;
  /** Whether this engine validates relaxed SIMD (the FMA kernel). */
  relaxedSimd: boolean;
  /** f32x4.mul + f32x4.add: what ORT's fp32 kernels can use (its WASM build has no relaxed SIMD). */
  f32MulAdd: ComputeRate;
  f32Fma?: ComputeRate;
  /** i32x4.dot_i16x8_s + i32x4.add on int8 widened to int16: MLAS's q8 (MatMulInteger) kernel. */
  int16Dot: ComputeRate;
}

/** The vision encoder's distance from the compute limit, for one frame (detail low: one frame). */
export interface VisionLimit {
  flops: VisionFlops;
  compute: ComputeResult;
  visionDtype: string;
  /**
   * ms per frame if every product ran at the probe's best rate: products with weights at the int8
   * dot rate for a q8 file (f32 mul+add otherwise), attention at f32 mul+add.
   */
  boundMs: number;
  /** Measured per path: ms per frame, the GFLOP/s that is, and bound ÷ measured. */
  paths: Partial<Record<MeasuredPathId, { msPerFrame: number; gflops: number; fractionOfBound: number }>>;
}

/** (d): decoding cannot be faster than reading every weight once per token. */
export interface BoundResult {
  bandwidth: BandwidthResult;
  decoderWeightBytes: number;
  kvBytesPerPosition: number;
  /** Mean context over the decode runs (prompt + half the answer). */
  meanContext: number;
  bytesPerToken: number;
  msPerToken: number;
  tokensPerSecond: number;
}

/** Main-thread health while the app path streams an answer (PerformanceObserver longtask). */
export interface Responsiveness {
  streamingMs: number;
  longestTaskMs: number;
  tasksOver50Ms: number;
  /** Pieces the page received and how many animation frames rendered them. */
  piecesReceived: number;
  domUpdates: number;
}

/** One answer in the real chat page (path a as a person meets it). */
export interface ChatUiRun {
  /** From pressing Enter to the first words of the answer on screen. */
  timeToFirstTextMs: number;
  streamingMs: number;
  /** Times the answer's text changed on screen. */
  domUpdates: number;
  longestTaskMs: number;
  tasksOver50Ms: number;
  /** The engine's own figures, as the answer's statistics show them. */
  engineTimeToFirstTokenMs: number;
  engineTokensPerSecond: number;
  newTokens: number;
}

export interface ChatUiResult {
  backend: 'wasm';
  runs: ChatUiRun[];
}

/**
 * Issue 12 on the app path (a): work done ahead of Enter, image features kept by content, and a
 * follow-up reusing the whole previous turn. Times are on the page, from the call (Enter) to the
 * first piece.
 */
export interface AheadRun {
  detail: DetailName;
  /** Seconds between attaching the image (`bridge.prepare`) and Enter (`bridge.generate`). */
  leadSeconds: number;
  /** Enter came as soon as `prepare` had finished (`leadSeconds` is how long that took), not after a fixed time. */
  untilPrepared?: boolean;
  ttftMs: number;
  /** How the prepare call ended (`prepared`, `preempted`, ...). */
  outcome: string;
  /** From the answer's timings: prompt tokens prepared ahead and used, and how long before Enter they were ready. */
  preparedTokens: number;
  preparedAheadMs: number;
  reusedPromptTokens: number;
  promptTokens: number;
  visionEncodeMs: number;
  /** Leading greedy tokens equal to the same question asked without preparing ahead, of `tokens`. */
  matchingTokens: number;
  tokens: number;
}

/** A question about a picture the app has not seen, then the same bytes again in a new chat (new image id). */
export interface ColdRun {
  detail: DetailName;
  ttftMs: number;
  visionEncodeMs: number;
  againTtftMs: number;
  againVisionEncodeMs: number;
  matchingTokens: number;
  tokens: number;
}

/** A follow-up question after a long answer, against the same conversation from an empty KV cache. */
export interface FollowUpRun {
  previousAnswerTokens: number;
  /** Prompt tokens of the first question (image included). */
  previousPromptTokens: number;
  promptTokens: number;
  reusedPromptTokens: number;
  ttftMs: number;
  fromScratchTtftMs: number;
  matchingTokens: number;
  tokens: number;
}

export interface InstantRuns {
  ahead: AheadRun[];
  cold: ColdRun[];
  followUp: FollowUpRun[];
}

export interface RatioSet {
  /** Each ratio divides times (ms per token, ms to first token): > 1 means the first is slower. */
  decodeAppOverBare: number | null;
  decodeBareOverNative: number | null;
  decodeNativeOverBound: number | null;
  decodeAppOverBound: number | null;
  ttftAppOverBare: number | null;
  ttftBareOverNative: number | null;
  /** (a) over (b) run by run (stats.ts pairedRatio): what the targets of issue 12 are read from. */
  pairedAppOverBare?: { decode: PairedRatio | null; ttftLow: PairedRatio | null; loadCold: PairedRatio | null };
}

export interface BackendSpec {
  /** `wasm-1`, `wasm-4`, `webgpu`. */
  id: string;
  device: 'wasm' | 'webgpu';
  threads: number;
}

export interface BackendResult extends BackendSpec {
  label: string;
  /** Set when the numbers are for correctness only (software WebGPU). */
  caveat?: string;
  adapter?: string;
  dtype: Record<string, string>;
  paths: Partial<Record<MeasuredPathId, PathSummary>>;
  bound: BoundResult | null;
  /** (e) The vision encoder against the WASM multiply-add rate (SigLIP models, WASM). */
  visionLimit?: VisionLimit;
  ratios: RatioSet;
  responsiveness: Responsiveness | null;
  /** Greedy token ids of the first decode run, compared between paths. */
  tokenAgreement: { pair: string; matching: number; of: number }[];
  /** The same questions through the real chat page (WASM, the app's default threads). */
  chatUi?: ChatUiResult;
  /** Issue 12's figures (app path). */
  instant?: InstantRuns;
  /** Peak resident memory of the browser's renderer during the steady-state session. */
  rendererPeakRssBytes?: number;
  raw: Partial<Record<MeasuredPathId, PathRuns>>;
  skipped: string[];
}

export interface BenchConditions {
  cpu: string;
  cores: number;
  memoryBytes: number;
  /** 1-minute load average sampled through the run (others' work on the machine). */
  loadAverage: { start: number; max: number; mean: number; end: number } | null;
  browser: string;
  userAgent: string;
  node?: string;
  onnxruntimeNode?: string;
  crossOriginIsolated: boolean;
  note: string;
}

export interface BenchSettings {
  quick: boolean;
  runs: number;
  highRuns: number;
  loadRuns: number;
  maxNewTokens: number;
  imageSize: number;
  prompt: string;
  details: DetailName[];
}

export interface BenchReport {
  schema: 'vlm-bench/1';
  createdAt: string;
  model: { id: string; name: string };
  settings: BenchSettings;
  conditions: BenchConditions;
  backends: BackendResult[];
  durationMs: number;
}

/** What the in-browser suite returns for one backend (paths a, b and the bandwidth for d). */
export interface SuiteResult {
  backend: BackendSpec & { dtype: Record<string, string>; adapter?: string; caveat?: string };
  model: { id: string; name: string; decoderWeightBytes: number; kvBytesPerPosition: number | null };
  runs: Partial<Record<'app' | 'bare', PathRuns>>;
  bandwidth: BandwidthResult | null;
  /** Measured next to the bandwidth, on the same threads. */
  compute: ComputeResult | null;
  /** From the model's config.json, when it has a SigLIP vision tower. */
  visionConfig: VisionEncoderConfig | null;
  responsiveness: Responsiveness | null;
  instant?: InstantRuns;
  skipped: string[];
  crossOriginIsolated: boolean;
  userAgent: string;
  cores: number;
}

/** The two paths that run in the browser. */
export type BrowserPath = 'app' | 'bare';

/** One backend's browser suite, as `window.vlmBench.runSuite` takes it. */
export interface SuiteOptions {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  settings: BenchSettings;
  paths: BrowserPath[];
  dtype?: LoadOptions['dtype'];
  /**
   * What the first load of each path meets: `cold` when the caller started from empty caches;
   * `skip` not to record it (the driver measures cold loads in fresh browsers, one path each).
   */
  firstLoad: 'cold' | 'warm' | 'skip';
  /** Details not run here (e.g. `high` on a software GPU), with the reason. */
  skipDetails?: { detail: DetailName; reason: string }[];
  /** WASM copy bandwidth (d) and multiply-add rate (e), on the suite's threads. */
  bandwidth: boolean;
  /** The caller already measured one high-detail question per path (probePath). */
  highFromProbes?: boolean;
  /** Ask each path a short question before timing anything (default true). */
  warmUp?: boolean;
  /** Issue 12's figures on the app path (InstantRuns; default false). */
  instant?: boolean;
}

/** Repeated loads, each in a fresh worker. */
export interface LoadTimingOptions {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  dtype?: LoadOptions['dtype'];
  paths: BrowserPath[];
  count: number;
}

/** One path alone in a fresh browser, so its peak memory is its own. */
export interface ProbeOptions {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  settings: BenchSettings;
  path: BrowserPath;
  dtype?: LoadOptions['dtype'];
  skipDetails?: { detail: DetailName; reason: string }[];
}

export interface ProbeResult {
  loadMs: number;
  dtype: Record<string, string>;
  /** The first question after loading (detail low): includes compiling shaders/kernels. */
  firstQuestionTtftMs: number;
  high?: PrefillRun;
  wasmMemoryBytes?: number;
}

/** One setting of the vision encoder alone (src/bench/vision). */
export interface VisionSessionVariant {
  dtype: Dtype;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

/** `window.vlmBench.visionSessions`: every variant on each thread count, a fresh worker per count. */
export interface VisionSessionOptions {
  modelId: string;
  imageSize: number;
  threads: number[];
  variants: VisionSessionVariant[];
  warmUps: number;
  runs: number;
}

export interface VisionSessionResult extends VisionSessionVariant {
  threads: number;
  createMs: number;
  /** Each timed frame's encode time. */
  frameMs: number[];
  /** Against the first variant's features on the same thread count (put fp32 first). */
  cosineToReference: number;
  maxAbsDiffToReference: number;
}
