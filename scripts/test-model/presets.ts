/**
 * Model sizes. A preset is only numbers; everything else (graphs, configs,
 * token ids) is derived from it and from the generated tokenizer.
 */
import type { StagedVision } from './staged-vision.js';

export interface VisionDims {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  /** Side of the square frames the encoder takes (processor max_image_size). */
  imageSize: number;
  patchSize: number;
  layerNormEps: number;
  /**
   * FastVLM and Florence-2 only: a hierarchical stand-in for the real encoder (staged-vision.ts);
   * then `hiddenSize` is its output width and `patchSize` its total stride. Absent: one patch
   * convolution (the test-size models).
   */
  stages?: StagedVision;
}

export interface TextDims {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  /**
   * Rows of the embedding / lm_head. `null` = exactly the tokenizer's size;
   * a number pads the vocabulary (the real SmolVLM uses 49280).
   */
  vocabSize: number | null;
  /** Biases on the q/k/v projections (Qwen2 has them, Llama not). */
  attentionBias?: boolean;
}

/** Which published format a preset writes (its sessions, configs and prompt layout). */
export type PresetFamily = 'smolvlm' | 'fastvlm' | 'florence2';

export interface Preset {
  name: PresetName;
  family: PresetFamily;
  defaultId: string;
  /** Folder (relative to the project root) used when --out is not given. */
  defaultParentDir: string;
  vision: VisionDims;
  text: TextDims;
  /**
   * SmolVLM: the Idefics3 pixel-shuffle factor; image_seq_len = (imageSize/patchSize)^2 / scaleFactor^2.
   * FastVLM has no pixel shuffle (1): its encoder downsamples by `patchSize` (64) on its own.
   */
  scaleFactor: number;
  /** SmolVLM2's `video_sampling` for preprocessor_config.json (absent: an image-only model, as SmolVLM v1). */
  videoSampling?: { fps: number; maxFrames: number };
}

export type PresetName = 'tiny' | 'smolvlm-256m' | 'fastvlm-tiny' | 'florence2-tiny' | 'fastvlm-0.5b' | 'florence2-base' | 'florence2-large';

/**
 * FastViTHD as apple/ml-fastvlm describes it (mobileclip `mci.py`, "fastvithd"; as remembered,
 * not read here): five stages of widths 96/192/384/768/1536 and depths 2/12/24/4/2, RepMixer conv
 * blocks in the first three, self-attention in the last two, MLP ratio 4, total stride 64, and a
 * grouped 3 x 3 `conv_exp` to 3072 channels (the projector's mm_hidden_size). 125.1M parameters
 * published; the stand-in has 122.7M (test-model.presets.test.ts).
 */
const FASTVITHD: StagedVision = {
  style: 'fastvit',
  stages: [
    { dim: 96, depth: 2, block: 'repmixer', heads: 3 },
    { dim: 192, depth: 12, block: 'repmixer', heads: 6 },
    { dim: 384, depth: 24, block: 'repmixer', heads: 12 },
    { dim: 768, depth: 4, block: 'attention', heads: 24 },
    { dim: 1536, depth: 2, block: 'attention', heads: 48 },
  ],
  mlpRatio: 4,
  expandTo: 3072,
  standsFor: 'FastViTHD (125.1M parameters published)',
};

/** Florence-2's DaViT (its config.json vision_config): 4 stages, window 12, MLP ratio 4, heads = channel groups. */
function davit(dims: readonly number[], heads: readonly number[], standsFor: string): StagedVision {
  return {
    style: 'davit',
    stages: dims.map((dim, index) => ({ dim, depth: [1, 1, 9, 1][index]!, block: 'davit' as const, heads: heads[index]!, window: 12 })),
    mlpRatio: 4,
    standsFor,
  };
}

/** The presets `npm run test-model` writes into public/models when no --preset is given. */
export const SERVED_PRESETS: readonly PresetName[] = ['tiny', 'fastvlm-tiny', 'florence2-tiny'];

/**
 * A Florence-2 benchmark preset at published dimensions: a DaViT stand-in with these stage widths
 * and heads (768 px frame, 577 image features) and the BART-like encoder-decoder at `text`'s size.
 */
function florence2AtScale(
  name: 'florence2-base' | 'florence2-large',
  defaultId: string,
  dims: readonly number[],
  heads: readonly number[],
  text: { hiddenSize: number; numLayers: number; numHeads: number; intermediateSize: number },
): Preset {
  return {
    name,
    family: 'florence2',
    defaultId,
    defaultParentDir: 'bench-models',
    vision: {
      hiddenSize: dims.at(-1)!,
      numLayers: 0,
      numHeads: 1,
      intermediateSize: 0,
      imageSize: 768,
      patchSize: 32,
      layerNormEps: 1e-5,
      stages: davit(dims, heads, `DaViT of ${defaultId.replace('-random', '')}`),
    },
    text: { ...text, numKeyValueHeads: text.numHeads, headDim: 64, maxPositionEmbeddings: 1024, rmsNormEps: 1e-5, ropeTheta: 10000, vocabSize: 51289 },
    scaleFactor: 1,
  };
}

export const PRESETS: Record<PresetName, Preset> = {
  // Few-MB model for unit/e2e tests. Same image geometry as the real model
  // (512 px frames, 16 px patches, factor 4 => 64 image tokens per frame),
  // so the processor's image-token arithmetic is identical.
  tiny: {
    name: 'tiny',
    family: 'smolvlm',
    defaultId: 'SmolVLM-test-tiny',
    defaultParentDir: 'public/models',
    vision: {
      hiddenSize: 32,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 64,
      imageSize: 512,
      patchSize: 16,
      layerNormEps: 1e-6,
    },
    text: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKeyValueHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      maxPositionEmbeddings: 2048,
      rmsNormEps: 1e-5,
      ropeTheta: 100000,
      vocabSize: null,
    },
    scaleFactor: 4,
    // Fewer frames than SmolVLM2's 64, so the browser tests see the cap read from this config
    // (and a capped video still fits the 2,048-token context: 16 x 64 image tokens).
    videoSampling: { fps: 1, maxFrames: 16 },
  },
  // Real HuggingFaceTB/SmolVLM-256M-Instruct dimensions (random weights), for
  // benchmarks: same FLOPs and file sizes as the real fp32 export.
  'smolvlm-256m': {
    name: 'smolvlm-256m',
    family: 'smolvlm',
    defaultId: 'SmolVLM-256M-random',
    defaultParentDir: 'bench-models',
    vision: {
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      intermediateSize: 3072,
      imageSize: 512,
      patchSize: 16,
      layerNormEps: 1e-6,
    },
    text: {
      hiddenSize: 576,
      numLayers: 30,
      numHeads: 9,
      numKeyValueHeads: 3,
      headDim: 64,
      intermediateSize: 1536,
      maxPositionEmbeddings: 8192,
      rmsNormEps: 1e-5,
      ropeTheta: 100000,
      vocabSize: 49280,
    },
    scaleFactor: 4,
  },
  // FastVLM-0.5B's format at test size: a 1024 px frame downsampled 64x (256 image tokens, as the
  // real FastViTHD), a small "mm_hidden_size", and a Qwen2-style decoder (q/k/v biases, GQA).
  'fastvlm-tiny': {
    name: 'fastvlm-tiny',
    family: 'fastvlm',
    defaultId: 'FastVLM-test-tiny',
    defaultParentDir: 'public/models',
    vision: {
      hiddenSize: 32,
      numLayers: 0,
      numHeads: 1,
      intermediateSize: 64,
      imageSize: 1024,
      patchSize: 64,
      layerNormEps: 1e-6,
    },
    text: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKeyValueHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      maxPositionEmbeddings: 2048,
      rmsNormEps: 1e-6,
      ropeTheta: 1000000,
      vocabSize: null,
      attentionBias: true,
    },
    scaleFactor: 1,
  },
  // Florence-2-base-ft's format at test size: 768 px frames, 577 image features (a pooled token and
  // 24 x 24 spatial ones), a BART encoder-decoder (numLayers each) with 1000 location tokens.
  'florence2-tiny': {
    name: 'florence2-tiny',
    family: 'florence2',
    defaultId: 'Florence-2-test-tiny',
    defaultParentDir: 'public/models',
    vision: {
      hiddenSize: 32,
      numLayers: 0,
      numHeads: 1,
      intermediateSize: 64,
      imageSize: 768,
      patchSize: 32,
      layerNormEps: 1e-5,
    },
    text: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKeyValueHeads: 4,
      headDim: 16,
      intermediateSize: 128,
      maxPositionEmbeddings: 1024,
      rmsNormEps: 1e-5,
      ropeTheta: 10000,
      vocabSize: null,
    },
    scaleFactor: 1,
  },
  // Real FastVLM-0.5B dimensions (random weights), for benchmarks. The decoder is
  // apple/FastVLM-0.5B's Qwen2-0.5B exactly (hidden 896, 24 layers, 14 heads, 2 KV heads of 64,
  // MLP 4864, rope_theta 1e6, q/k/v biases, vocabulary 151936); its lm_head is a separate
  // matrix in decoder_model_merged.onnx either way (the published fp32 decoder is 1.98 GB, which
  // only fits 494M parameters with it). Context 8192 as the registry's entry (the Hub config's
  // tokenizer_model_max_length; Qwen2's own max_position_embeddings is 32768, which rotary
  // positions do not store). The vision encoder is a FastViTHD stand-in (FASTVITHD above): one
  // 1024 px frame -> 16 x 16 = 256 tokens of 3072 -> mlp2x_gelu projector -> 896.
  'fastvlm-0.5b': {
    name: 'fastvlm-0.5b',
    family: 'fastvlm',
    defaultId: 'FastVLM-0.5B-random',
    defaultParentDir: 'bench-models',
    vision: { hiddenSize: 3072, numLayers: 0, numHeads: 1, intermediateSize: 0, imageSize: 1024, patchSize: 64, layerNormEps: 1e-6, stages: FASTVITHD },
    text: {
      hiddenSize: 896,
      numLayers: 24,
      numHeads: 14,
      numKeyValueHeads: 2,
      headDim: 64,
      intermediateSize: 4864,
      maxPositionEmbeddings: 8192,
      rmsNormEps: 1e-6,
      ropeTheta: 1000000,
      vocabSize: 151936,
      attentionBias: true,
    },
    scaleFactor: 1,
  },
  // Real Florence-2-base dimensions (random weights), for benchmarks: the BART-like language model
  // (d_model 768, 6 + 6 layers, 12 heads, FFN 3072, vocabulary 51289, 1024 positions) and a DaViT
  // stand-in (dims 128/256/512/1024, depths 1/1/9/1): one 768 px frame -> 24 x 24 tokens + a
  // pooled one = 577 image features.
  'florence2-base': florence2AtScale('florence2-base', 'Florence-2-base-random', [128, 256, 512, 1024], [4, 8, 16, 32], { hiddenSize: 768, numLayers: 6, numHeads: 12, intermediateSize: 3072 }),
  // Florence-2-large: d_model 1024, 12 + 12 layers, 16 heads, FFN 4096; DaViT 256/512/1024/2048.
  'florence2-large': florence2AtScale('florence2-large', 'Florence-2-large-random', [256, 512, 1024, 2048], [8, 16, 32, 64], { hiddenSize: 1024, numLayers: 12, numHeads: 16, intermediateSize: 4096 }),
};

/** Image tokens one frame becomes. */
export function imageSeqLen(preset: Preset): number {
  const side = preset.vision.imageSize / preset.vision.patchSize;
  return (side * side) / (preset.scaleFactor * preset.scaleFactor);
}
