/**
 * Which models the app knows: curated Hugging Face Hub models, merged with the models this origin
 * serves itself under `/models/<id>/` (listed in `/models/index.json`, written by
 * `npm run test-model` and `npm run fetch-model`). A model present on our origin is loaded from
 * there, never from the Hub. Pure data and functions: the page imports this module too.
 */
import {
  MODEL_FAMILY_IDS,
  type Dtype,
  type DtypeMap,
  type FamilyCapabilities,
  type ImageDetail,
  type ImageGeometry,
  type ModelEntry,
  type ModelFamilyId,
  type ModelFile,
  type SessionName,
  type SessionRole,
} from '../protocol.ts';
import { FASTVLM_GEOMETRY, SMOLVLM_GEOMETRY } from './image-detail.ts';

/** The sessions of a SmolVLM model (kept for the scripts that fetch and bench SmolVLM files). */
export const SESSION_NAMES: readonly SessionName[] = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'];
export const ALL_DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** transformers.js' file-name suffix for each dtype (DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const DTYPE_FILE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

/** Files every SmolVLM-format model needs besides ONNX (transformers.js fetches these). */
export const CONFIG_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;

/** One ONNX session a family loads: its file name stem and what it does. */
export interface SessionSpec {
  name: SessionName;
  role: SessionRole;
}

/**
 * What the page and the runtime know of a family without loading anything: its sessions (any
 * number; the load plan fetches one file per session), the config files transformers.js reads,
 * and what it can do. The adapter that runs it is workers/families/<id>.ts. Pure data, so the
 * page can size a download and offer the right controls.
 */
export interface FamilyTraits {
  id: ModelFamilyId;
  /** For people: "SmolVLM", "FastVLM". */
  label: string;
  sessions: readonly SessionSpec[];
  configFiles: readonly string[];
  /** Most images one user message may carry (the worker enforces it, the page checks first). */
  maxImagesPerMessage: number;
  capabilities: FamilyCapabilities;
  /** Image geometry of a model of this family that does not state its own. */
  defaultGeometry: ImageGeometry;
  /** The image details the family's processor offers (absent: every detail). */
  details?: readonly ImageDetail[];
}

/** Vision encoder, token embeddings, decoder with KV cache: the layout of transformers.js' image-text-to-text models. */
const DECODER_ONLY_SESSIONS: readonly SessionSpec[] = [
  { name: 'vision_encoder', role: 'vision' },
  { name: 'embed_tokens', role: 'embed' },
  { name: 'decoder_model_merged', role: 'decoder' },
];

const CHAT: FamilyCapabilities = { chat: true, multiTurnKvReuse: true, tasks: false, boxes: false };

/** Florence-2 reads transformers.js' processor maps from preprocessor_config.json: no processor_config.json. */
const FLORENCE2_CONFIG_FILES = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Florence-2's frame: 768 px, 577 image features (a pooled one and 24 x 24 spatial ones). */
export const FLORENCE2_GEOMETRY: ImageGeometry = { frameSize: 768, tokensPerFrame: 577, defaultLongestEdge: 768 };

export const FAMILY_TRAITS: Record<ModelFamilyId, FamilyTraits> = {
  smolvlm: {
    id: 'smolvlm',
    label: 'SmolVLM',
    sessions: DECODER_ONLY_SESSIONS,
    configFiles: CONFIG_FILES,
    maxImagesPerMessage: 4,
    capabilities: CHAT,
    defaultGeometry: SMOLVLM_GEOMETRY,
  },
  // LLaVA-style: one image is one 1024 px frame, laid out where its `<image>` token stands; the
  // processor (LlavaProcessor) expands a single `<image>` per prompt text, so one per message.
  fastvlm: {
    id: 'fastvlm',
    label: 'FastVLM',
    sessions: DECODER_ONLY_SESSIONS,
    configFiles: CONFIG_FILES,
    maxImagesPerMessage: 1,
    capabilities: CHAT,
    defaultGeometry: FASTVLM_GEOMETRY,
    // One frame whatever the detail: `low` is the only one that describes what it does.
    details: ['low'],
  },
  // Encoder-decoder: the image and the task prompt go through the encoder once per answer, and
  // the decoder's cache depends on them, so no answer reuses another's. Tasks, not chat.
  florence2: {
    id: 'florence2',
    label: 'Florence-2',
    sessions: [
      { name: 'vision_encoder', role: 'vision' },
      { name: 'embed_tokens', role: 'embed' },
      { name: 'encoder_model', role: 'encoder' },
      { name: 'decoder_model_merged', role: 'decoder' },
    ],
    configFiles: FLORENCE2_CONFIG_FILES,
    maxImagesPerMessage: 1,
    capabilities: { chat: false, multiTurnKvReuse: false, tasks: true, boxes: true },
    defaultGeometry: FLORENCE2_GEOMETRY,
    details: ['low'],
  },
};

/** Most images one user message may carry, per family (the worker enforces it, the page checks first). */
export const MAX_IMAGES_PER_MESSAGE = Object.fromEntries(MODEL_FAMILY_IDS.map((id) => [id, FAMILY_TRAITS[id].maxImagesPerMessage])) as Record<ModelFamilyId, number>;

export function isModelFamilyId(value: unknown): value is ModelFamilyId {
  return typeof value === 'string' && (MODEL_FAMILY_IDS as readonly string[]).includes(value);
}

/**
 * The role of a session by its name, as any family declares it: session names are transformers.js'
 * file stems, the same across families, so the dtype policy can pick per role.
 */
export function sessionRole(session: SessionName): SessionRole {
  for (const traits of Object.values(FAMILY_TRAITS)) {
    const spec = traits.sessions.find((candidate) => candidate.name === session);
    if (spec) return spec.role;
  }
  throw new Error(`No family declares the session ${session}.`);
}

/** The session a family runs as its decoder (the one whose KV cache the runtime keeps). */
export function decoderSessionName(family: ModelFamilyId): SessionName {
  return FAMILY_TRAITS[family].sessions.find((session) => session.role === 'decoder')!.name;
}

export function onnxFilePath(session: SessionName, dtype: Dtype): string {
  return `onnx/${session}${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
}

/** Which dtypes of each of its family's sessions a model publishes, read from its file list. */
export function availableDtypes(entry: Pick<ModelEntry, 'files' | 'family'>): Record<SessionName, Dtype[]> {
  const paths = new Set(entry.files.map((file) => file.path));
  const result: Record<SessionName, Dtype[]> = {};
  for (const { name } of FAMILY_TRAITS[entry.family].sessions) result[name] = ALL_DTYPES.filter((dtype) => paths.has(onnxFilePath(name, dtype)));
  return result;
}

/** The files loading `entry` with `dtypes` fetches (its family's configs and one file per session), and their total size. */
export function filesForDtypes(entry: ModelEntry, dtypes: DtypeMap): { files: ModelFile[]; bytes: number } {
  const traits = FAMILY_TRAITS[entry.family];
  const wanted = new Set<string>([...traits.configFiles, ...traits.sessions.map(({ name }) => onnxFilePath(name, dtypes[name]!))]);
  const files = entry.files.filter((file) => wanted.has(file.path));
  return { files, bytes: files.reduce((sum, file) => sum + file.size, 0) };
}

// --- Curated Hub models -------------------------------------------------------------------

/** Exact sizes and sha256 of the real SmolVLM-256M-Instruct ONNX files (from the Hub's LFS pointers). */
const SMOLVLM_256M_ONNX: ModelFile[] = [
  { path: 'onnx/decoder_model_merged.onnx', size: 540640302, sha256: '5ae6a66fdf47680433aa6bcc512ae8f0b98c2db01bea055fc76ee37bb0389b78' },
  { path: 'onnx/decoder_model_merged_fp16.onnx', size: 270414183, sha256: '925ffaf3af9336b4b4c064d77fa64128868d8cb915c257520708d3aa853bb4ae' },
  { path: 'onnx/decoder_model_merged_q4.onnx', size: 86562901, sha256: 'e3fd81130e30715580cf148398e48e2925b6219bff75e17d2a77add35a363f65' },
  { path: 'onnx/decoder_model_merged_q4f16.onnx', size: 77034560, sha256: '0a6b4e72e26025c190f37e2573ea2ce3336d95670da9c4b1fa662e47cc3d94a7' },
  { path: 'onnx/decoder_model_merged_quantized.onnx', size: 137221644, sha256: '33f14f3bca52699d733d86fcc9c5a0ec6f57afffa1dc9596abde53cde9df81aa' },
  { path: 'onnx/embed_tokens.onnx', size: 113541419, sha256: 'a68ea4058524059ed0e2873fdbc4f33b93e13ae3d3204938d32d0566d390ae00' },
  { path: 'onnx/embed_tokens_fp16.onnx', size: 56770946, sha256: '019af59078b8e4775216dd278c66574c39bfefa36cab68573db64d7ac7a11691' },
  { path: 'onnx/embed_tokens_q4.onnx', size: 113541438, sha256: '47ed7029703cff586fd719d70251324766a6591c8a58d315076b1781a65fc900' },
  { path: 'onnx/embed_tokens_q4f16.onnx', size: 56770965, sha256: 'd810e0849eda8128be2d9cf1a2be9ca0bd8e5bfbe5bf972f60ea8e2a566f6bfe' },
  { path: 'onnx/embed_tokens_quantized.onnx', size: 28385824, sha256: '4b919b829fe2bf225e42431230c56891116f0149e5170e36c99bcc0cfae0d2ef' },
  { path: 'onnx/vision_encoder.onnx', size: 374316497, sha256: 'e27ad810eabfa7c881b409e1ca357e7a951541019add228ff73c72718fcf6218' },
  { path: 'onnx/vision_encoder_fp16.onnx', size: 187294693, sha256: '275c41d775508b7f7410580c4aaf67583a34acf23c31259effa8e53f67e8d9ae' },
  { path: 'onnx/vision_encoder_q4.onnx', size: 63784987, sha256: '95814e6629ec465e7cf98a44edcee67abc06d41faa0d1acc410cf8a956cab488' },
  { path: 'onnx/vision_encoder_q4f16.onnx', size: 55037584, sha256: '13c301dc0cbc79c8c23badc699129b47d05ba044e2274ca8a94681fcd4205fc1' },
  { path: 'onnx/vision_encoder_quantized.onnx', size: 94247969, sha256: 'f82adc84246fbfe8651038470166385452682cc889538f5106544e622e5f1595' },
];

/** Config and tokenizer files of SmolVLM-256M-Instruct (sizes of the published files). */
const SMOLVLM_256M_CONFIGS: ModelFile[] = [
  { path: 'config.json', size: 7353 },
  { path: 'generation_config.json', size: 136 },
  { path: 'preprocessor_config.json', size: 486 },
  { path: 'processor_config.json', size: 68 },
  { path: 'tokenizer.json', size: 3548256 },
  { path: 'tokenizer_config.json', size: 28249 },
];

/** SmolVLM2's config files (sizes from the Hub's file list; preprocessor_config.json carries video_sampling). */
const SMOLVLM2_CONFIGS: ModelFile[] = [
  { path: 'config.json', size: 3810 },
  { path: 'generation_config.json', size: 136 },
  { path: 'preprocessor_config.json', size: 599 },
  { path: 'processor_config.json', size: 67 },
  { path: 'tokenizer.json', size: 3550000 },
  { path: 'tokenizer_config.json', size: 28600 },
];

/** `files` with the sha256 of the few files whose digest is known. */
function withKnownDigests(files: ModelFile[], digests: Record<string, string>): ModelFile[] {
  return files.map((file) => (digests[file.path] ? { ...file, sha256: digests[file.path] } : file));
}

/**
 * For the larger models we ship no per-file list, so sizes are estimated: fp32 bytes from the
 * parameter counts, scaled per session and dtype by the ratios the 256M model's files show.
 */
function estimatedFiles(fp32Bytes: Record<SessionName, number>, configs: ModelFile[]): ModelFile[] {
  const reference = new Map(SMOLVLM_256M_ONNX.map((file) => [file.path, file.size]));
  const files: ModelFile[] = [...configs];
  for (const session of SESSION_NAMES) {
    const referenceFp32 = reference.get(onnxFilePath(session, 'fp32'))!;
    for (const dtype of ALL_DTYPES) {
      const ratio = reference.get(onnxFilePath(session, dtype))! / referenceFp32;
      files.push({ path: onnxFilePath(session, dtype), size: Math.round(fp32Bytes[session]! * ratio) });
    }
  }
  return files;
}

/**
 * onnx-community/FastVLM-0.5B-ONNX as its Hub listing shows it (onnx/ at commit 05e9737). The
 * listing gives sizes in MB only, so sizes are marked as estimates (the store then checks the
 * digest, not the byte count); the one sha256 recorded is the LFS pointer of a file last written
 * by that commit. Files the listing does not show are estimated from the parameter counts
 * (FastViTHD ~125M, Qwen2 embeddings 151936 x 896). The store takes other files' digests from
 * the Hub's `x-linked-etag`.
 */
const FASTVLM_05B_ONNX: ModelFile[] = [
  { path: 'onnx/decoder_model_merged.onnx', size: 1_980_000_000 },
  { path: 'onnx/decoder_model_merged_fp16.onnx', size: 992_000_000 },
  { path: 'onnx/decoder_model_merged_q4.onnx', size: 317_000_000 },
  { path: 'onnx/decoder_model_merged_q4f16.onnx', size: 282_000_000 },
  { path: 'onnx/decoder_model_merged_quantized.onnx', size: 503_000_000 },
  { path: 'onnx/embed_tokens.onnx', size: 544_000_000 },
  { path: 'onnx/embed_tokens_fp16.onnx', size: 272_000_000 },
  { path: 'onnx/embed_tokens_q4f16.onnx', size: 272_000_000 },
  { path: 'onnx/embed_tokens_quantized.onnx', size: 136_000_000 },
  { path: 'onnx/vision_encoder.onnx', size: 505_000_000 },
  { path: 'onnx/vision_encoder_fp16.onnx', size: 253_000_000 },
  { path: 'onnx/vision_encoder_q4.onnx', size: 505_000_000, sha256: '596db77eade9ef2373f13a7142cef52c64ee18effcf7555a82e89d657be9ffff' },
  { path: 'onnx/vision_encoder_q4f16.onnx', size: 253_000_000 },
  { path: 'onnx/vision_encoder_quantized.onnx', size: 223_000_000 },
];

/** Config and tokenizer files of FastVLM-0.5B-ONNX (the listing's sizes). */
const FASTVLM_05B_CONFIGS: ModelFile[] = [
  { path: 'config.json', size: 1330 },
  { path: 'generation_config.json', size: 121 },
  { path: 'preprocessor_config.json', size: 466 },
  { path: 'processor_config.json', size: 133 },
  { path: 'tokenizer.json', size: 11_400_000 },
  { path: 'tokenizer_config.json', size: 1530 },
];

/**
 * Per-dtype sizes from fp32 sizes, for models whose listing gives only some files: ratios of the
 * SmolVLM-256M files (fp16 half, q8 about a quarter, 4-bit about a fifth).
 */
function scaledDtypeFiles(fp32Bytes: Record<SessionName, number>): ModelFile[] {
  const ratio: Record<Dtype, number> = { fp32: 1, fp16: 0.5, q8: 0.26, q4: 0.2, q4f16: 0.15 };
  return Object.entries(fp32Bytes).flatMap(([session, bytes]) => ALL_DTYPES.map((dtype) => ({ path: onnxFilePath(session, dtype), size: Math.round(bytes * ratio[dtype]) })));
}

/** Config and tokenizer files of the Florence-2 exports (sizes rounded from the listing). */
const FLORENCE2_CONFIGS: ModelFile[] = [
  { path: 'config.json', size: 5630 },
  { path: 'generation_config.json', size: 300 },
  { path: 'preprocessor_config.json', size: 2500 },
  { path: 'tokenizer.json', size: 2_300_000 },
  { path: 'tokenizer_config.json', size: 34_000 },
];

/**
 * The model that ships with the app: a small SmolVLM-format model trained here on generated
 * scenes of simple shapes (scripts/demo-model, docs/demo-model.md). Its files and their sha256
 * are listed in public/models/index.json like any model this origin serves.
 */
export const BUILT_IN_MODEL: ModelEntry = {
  id: 'shapes-demo',
  name: 'Shapes demo',
  family: 'smolvlm',
  source: { kind: 'origin', baseUrl: '/models/shapes-demo/' },
  description: 'Built in, works offline: a demo that answers questions about simple shapes.',
  knows:
    'It counts circles, squares and triangles, names their colours and says where they are; it knows nothing about photos, charts or text.',
  contextLength: 2048,
  geometry: SMOLVLM_GEOMETRY,
  files: [],
  sizesAreEstimates: false,
  builtIn: true,
  details: ['low', 'auto'],
};

export const CURATED_MODELS: readonly ModelEntry[] = [
  BUILT_IN_MODEL,
  {
    id: 'SmolVLM-256M-Instruct',
    name: 'SmolVLM 256M',
    family: 'smolvlm',
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolVLM-256M-Instruct', revision: 'main' },
    description: 'Smallest and fastest; good for captions and simple questions.',
    contextLength: 8192,
    geometry: SMOLVLM_GEOMETRY,
    files: [...SMOLVLM_256M_CONFIGS, ...SMOLVLM_256M_ONNX],
    sizesAreEstimates: false,
  },
  {
    id: 'SmolVLM-500M-Instruct',
    name: 'SmolVLM 500M',
    family: 'smolvlm',
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolVLM-500M-Instruct', revision: 'main' },
    description: 'Better answers, about twice the download.',
    contextLength: 8192,
    geometry: SMOLVLM_GEOMETRY,
    // SigLIP-B/16 + connector ~105M params; SmolLM2-360M decoder ~362M; embeddings 49280 x 960.
    files: estimatedFiles(
      { vision_encoder: 420e6, embed_tokens: 189e6, decoder_model_merged: 1450e6 },
      SMOLVLM_256M_CONFIGS,
    ),
    sizesAreEstimates: true,
  },
  {
    id: 'SmolVLM-Instruct',
    name: 'SmolVLM 2.2B',
    family: 'smolvlm',
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolVLM-Instruct', revision: 'main' },
    description: 'Best quality; needs a capable GPU (several GB).',
    contextLength: 16384,
    // SigLIP so400m/14 at 384 px, pixel shuffle 3: 81 tokens per 384 px frame, default edge 4 x 384.
    geometry: { frameSize: 384, tokensPerFrame: 81, defaultLongestEdge: 1536 },
    // SigLIP so400m + connector ~449M params; SmolLM2-1.7B decoder ~1.71B; embeddings 49280 x 2048.
    files: estimatedFiles(
      { vision_encoder: 1796e6, embed_tokens: 404e6, decoder_model_merged: 6840e6 },
      SMOLVLM_256M_CONFIGS,
    ),
    sizesAreEstimates: true,
  },
  // SmolVLM2 video-instruct models: the same architectures as SmolVLM 256M / 500M, trained on
  // video too (Video-MME 33.7 / 42.2). Their ONNX exports are published in the repositories'
  // onnx/ folders (checked on the Hub's file lists); their video sampling (1 frame per second, at
  // most 64 frames of 512 px) is read from each model's preprocessor_config.json at load, not here.
  // SmolVLM2-2.2B-Instruct publishes no ONNX files, so it is not offered.
  {
    id: 'SmolVLM2-256M-Video-Instruct',
    name: 'SmolVLM2 256M Video',
    family: 'smolvlm',
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct', revision: 'main' },
    description: 'Smallest model trained on video as well as images: ask about a clip or the live camera.',
    contextLength: 8192,
    geometry: SMOLVLM_GEOMETRY,
    // The Hub lists the same rounded sizes as SmolVLM-256M's files (541 MB, 271 MB, 138 MB, 114 MB,
    // 94.2 MB...): the exact bytes are estimated from those. One sha256 is known (the Hub's LFS
    // pointer of onnx/vision_encoder_quantized.onnx, unchanged since "Upload ONNX weights (#1)").
    files: withKnownDigests(estimatedFiles({ vision_encoder: 374316497, embed_tokens: 113541419, decoder_model_merged: 540640302 }, SMOLVLM2_CONFIGS), {
      'onnx/vision_encoder_quantized.onnx': '2a70c53030657dc01be90be0e9bf24febc9c709ebf20812ad0a9976698619668',
    }),
    sizesAreEstimates: true,
    video: 'trained',
  },
  {
    id: 'SmolVLM2-500M-Video-Instruct',
    name: 'SmolVLM2 500M Video',
    family: 'smolvlm',
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolVLM2-500M-Video-Instruct', revision: 'main' },
    description: 'Better answers about clips and the camera, about twice the download.',
    contextLength: 8192,
    geometry: SMOLVLM_GEOMETRY,
    // Estimated like SmolVLM 500M (the same architecture); the Hub shows 365 MB for the q8
    // decoder (estimate: 368 MB), whose sha256 is from its LFS pointer ("Upload ONNX weights (#2)").
    files: withKnownDigests(estimatedFiles({ vision_encoder: 420e6, embed_tokens: 189e6, decoder_model_merged: 1450e6 }, SMOLVLM2_CONFIGS), {
      'onnx/decoder_model_merged_quantized.onnx': 'a5aaa12d62d43a05a4a7456864c508d0b3c17c55a654c05fb568f6da0b7d212d',
    }),
    sizesAreEstimates: true,
    video: 'trained',
  },
  {
    id: 'FastVLM-0.5B',
    name: 'FastVLM 0.5B',
    family: 'fastvlm',
    source: { kind: 'hub', repo: 'onnx-community/FastVLM-0.5B-ONNX', revision: 'main' },
    // No "fastest first token" here: on WASM its first token came 4x later than SmolVLM 256M's and
    // 2x later than Florence-2 base's (docs/performance.md, "Issue 15"). What it does offer is a
    // 1024 px view of the whole image in one frame.
    description: "Apple's FastVLM: sees the whole image as one 1024 px frame (256 image tokens).",
    contextLength: 8192,
    geometry: FASTVLM_GEOMETRY,
    details: FAMILY_TRAITS.fastvlm.details,
    files: [...FASTVLM_05B_CONFIGS, ...FASTVLM_05B_ONNX],
    sizesAreEstimates: true,
  },
  {
    id: 'Florence-2-base-ft',
    name: 'Florence-2 base',
    family: 'florence2',
    source: { kind: 'hub', repo: 'onnx-community/Florence-2-base-ft', revision: 'main' },
    description: 'Reads text, finds and boxes objects, captions: tasks, not chat.',
    contextLength: 1024,
    geometry: FLORENCE2_GEOMETRY,
    details: ['low'],
    // fp32 files of the listing (onnx/ at 1e91efa); the other formats scaled from them.
    files: [...FLORENCE2_CONFIGS, ...scaledDtypeFiles({ vision_encoder: 367e6, embed_tokens: 158e6, encoder_model: 173e6, decoder_model_merged: 388e6 })],
    sizesAreEstimates: true,
  },
  {
    id: 'Florence-2-large-ft',
    name: 'Florence-2 large',
    family: 'florence2',
    source: { kind: 'hub', repo: 'onnx-community/Florence-2-large-ft', revision: 'main' },
    description: 'The larger Florence-2: better boxes and text, about three times the download.',
    contextLength: 1024,
    geometry: FLORENCE2_GEOMETRY,
    details: ['low'],
    // Estimated from parameter counts: DaViT ~360M, BART-large embeddings 51289 x 1024, 12 + 12 layers.
    files: [...FLORENCE2_CONFIGS, ...scaledDtypeFiles({ vision_encoder: 1440e6, embed_tokens: 210e6, encoder_model: 610e6, decoder_model_merged: 820e6 })],
    sizesAreEstimates: true,
  },
];

export const DEFAULT_MODEL_ID = 'SmolVLM-256M-Instruct';

/** One entry of `/models/index.json`. */
export interface OriginModelListing {
  id: string;
  name?: string;
  family?: ModelFamilyId;
  contextLength?: number;
  description?: string;
  geometry?: ImageGeometry;
  files: ModelFile[];
}

/** Validates `/models/index.json`; anything malformed is dropped rather than trusted. */
export function parseOriginIndex(json: unknown): OriginModelListing[] {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { models?: unknown }).models)) return [];
  const listings: OriginModelListing[] = [];
  for (const raw of (json as { models: unknown[] }).models) {
    if (typeof raw !== 'object' || raw === null) continue;
    const item = raw as Record<string, unknown>;
    if (typeof item.id !== 'string' || !/^[\w.-]+$/.test(item.id) || !Array.isArray(item.files)) continue;
    const files = item.files.filter(
      (file): file is ModelFile =>
        typeof file === 'object' && file !== null && typeof (file as ModelFile).path === 'string' && Number.isFinite((file as ModelFile).size),
    );
    listings.push({
      id: item.id,
      name: typeof item.name === 'string' ? item.name : undefined,
      family: isModelFamilyId(item.family) ? item.family : undefined,
      contextLength: typeof item.contextLength === 'number' ? item.contextLength : undefined,
      description: typeof item.description === 'string' ? item.description : undefined,
      geometry: item.geometry as ImageGeometry | undefined,
      files,
    });
  }
  return listings;
}

/**
 * The curated models merged with what our origin serves. A curated model our origin serves is
 * loaded from the origin (self-hosting); other origin models are added to the list.
 */
export function mergeRegistry(originModels: readonly OriginModelListing[], origin = '/models/'): ModelEntry[] {
  const byId = new Map(CURATED_MODELS.map((entry) => [entry.id, entry] as const));
  const merged: ModelEntry[] = [];
  for (const listing of originModels) {
    const curated = byId.get(listing.id);
    byId.delete(listing.id);
    const family = listing.family ?? curated?.family ?? 'smolvlm';
    merged.push({
      ...curated,
      id: listing.id,
      name: listing.name ?? curated?.name ?? listing.id,
      family,
      source: { kind: 'origin', baseUrl: `${origin}${listing.id}/` },
      description: listing.description ?? curated?.description ?? 'Served from this site.',
      contextLength: listing.contextLength ?? curated?.contextLength ?? 2048,
      geometry: listing.geometry ?? curated?.geometry ?? FAMILY_TRAITS[family].defaultGeometry,
      ...(curated?.details ?? FAMILY_TRAITS[family].details ? { details: curated?.details ?? FAMILY_TRAITS[family].details } : {}),
      files: listing.files,
      sizesAreEstimates: false,
    });
  }
  // A curated model that lives on our origin (the built-in one) exists only where it is served.
  const hubOnly = CURATED_MODELS.filter((entry) => byId.has(entry.id) && entry.source.kind === 'hub');
  // Built-in models first, then the Hub's, then the rest this origin serves.
  return [...merged.filter((entry) => entry.builtIn), ...hubOnly, ...merged.filter((entry) => !entry.builtIn)];
}

/** Fetches `/models/index.json`; an absent or broken index means "no models on this origin". */
export async function fetchOriginIndex(url = '/models/index.json', fetchImpl: typeof fetch = fetch): Promise<OriginModelListing[]> {
  try {
    const response = await fetchImpl(url, { cache: 'no-cache' });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return [];
    return parseOriginIndex(await response.json());
  } catch {
    return [];
  }
}
