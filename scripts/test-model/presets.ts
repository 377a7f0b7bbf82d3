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
}

export interface Preset {
  name: PresetName;
  defaultId: string;
  /** Folder (relative to the project root) used when --out is not given. */
  defaultParentDir: string;
  vision: VisionDims;
  text: TextDims;
  /** Idefics3 pixel-shuffle factor; image_seq_len = (imageSize/patchSize)^2 / scaleFactor^2. */
  scaleFactor: number;
  /** SmolVLM2's `video_sampling` for preprocessor_config.json (absent: an image-only model, as SmolVLM v1). */
  videoSampling?: { fps: number; maxFrames: number };
}

export type PresetName = 'tiny' | 'smolvlm-256m';

export const PRESETS: Record<PresetName, Preset> = {
  // Few-MB model for unit/e2e tests. Same image geometry as the real model
  // (512 px frames, 16 px patches, factor 4 => 64 image tokens per frame),
  // so the processor's image-token arithmetic is identical.
  tiny: {
    name: 'tiny',
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
};

export function imageSeqLen(preset: Preset): number {
  const side = preset.vision.imageSize / preset.vision.patchSize;
  return (side * side) / (preset.scaleFactor * preset.scaleFactor);
}
