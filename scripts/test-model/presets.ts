/**
 * Model sizes. A preset is only numbers; everything else (graphs, configs,
 * token ids) is derived from it and from the generated tokenizer.
 */
export interface VisionDims {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  /** Side of the square frames the encoder takes (processor max_image_size). */
  imageSize: number;
  patchSize: number;
  layerNormEps: number;
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

export type PresetName = 'tiny' | 'smolvlm-256m' | 'fastvlm-tiny' | 'florence2-tiny';

/** The presets `npm run test-model` writes into public/models when no --preset is given. */
export const SERVED_PRESETS: readonly PresetName[] = ['tiny', 'fastvlm-tiny', 'florence2-tiny'];

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
};

/** Image tokens one frame becomes. */
export function imageSeqLen(preset: Preset): number {
  const side = preset.vision.imageSize / preset.vision.patchSize;
  return (side * side) / (preset.scaleFactor * preset.scaleFactor);
}
