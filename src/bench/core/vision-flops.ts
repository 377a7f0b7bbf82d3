/**
 * Floating-point work of one frame through a SigLIP vision encoder and the Idefics3 connector
 * (SmolVLM), from the model's config.json. A multiply-add counts as 2 FLOPs. Only matrix
 * products are counted: layer norms, GELU, softmax and biases are O(tokens x width), under 1% here.
 */

/** The dimensions that set the encoder's work (config.json `vision_config`, plus the connector's). */
export interface VisionEncoderConfig {
  imageSize: number;
  patchSize: number;
  channels: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  /** Pixel-shuffle factor: the connector merges scale² neighbouring patches into one image token. */
  scaleFactor: number;
  /** Width of the decoder the connector projects into. */
  textHiddenSize: number;
}

export interface VisionFlops {
  patches: number;
  imageTokens: number;
  /** Patch embedding (a convolution with stride = kernel: a matrix product per patch). */
  patchEmbedding: number;
  /** Q, K, V and output projections, all layers. */
  projections: number;
  /** Q·Kᵀ and the softmax-weighted sum of V, all layers: activations times activations. */
  attention: number;
  mlp: number;
  /** The pixel-shuffled tokens' linear projection to the decoder's width. */
  connector: number;
  /** Products with weights (what a q8 file runs as integer MatMulInteger/ConvInteger). */
  weightProducts: number;
  total: number;
}

/** FLOPs of one frame of `config.imageSize` pixels square. */
export function visionFlopsPerFrame(config: VisionEncoderConfig): VisionFlops {
  const side = Math.floor(config.imageSize / config.patchSize);
  const patches = side * side;
  const d = config.hiddenSize;
  const patchEmbedding = 2 * patches * config.channels * config.patchSize ** 2 * d;
  const projections = config.layers * 4 * 2 * patches * d * d;
  const attention = config.layers * 2 * (2 * patches * patches * d);
  const mlp = config.layers * 2 * (2 * patches * d * config.intermediateSize);
  const imageTokens = patches / config.scaleFactor ** 2;
  const connector = 2 * imageTokens * d * config.scaleFactor ** 2 * config.textHiddenSize;
  const weightProducts = patchEmbedding + projections + mlp + connector;
  return { patches, imageTokens, patchEmbedding, projections, attention, mlp, connector, weightProducts, total: weightProducts + attention };
}

/** The encoder's dimensions from an Idefics3/SmolVLM config.json, or null for another architecture. */
export function visionConfigFromJson(json: unknown): VisionEncoderConfig | null {
  const config = json as {
    scale_factor?: number;
    vision_config?: { image_size?: number; patch_size?: number; num_channels?: number; hidden_size?: number; intermediate_size?: number; num_hidden_layers?: number };
    text_config?: { hidden_size?: number };
  };
  const vision = config?.vision_config;
  const values = [vision?.image_size, vision?.patch_size, vision?.hidden_size, vision?.intermediate_size, vision?.num_hidden_layers, config?.scale_factor, config?.text_config?.hidden_size];
  if (!values.every((value) => typeof value === 'number' && value > 0)) return null;
  return {
    imageSize: vision!.image_size!,
    patchSize: vision!.patch_size!,
    channels: vision!.num_channels ?? 3,
    hiddenSize: vision!.hidden_size!,
    intermediateSize: vision!.intermediate_size!,
    layers: vision!.num_hidden_layers!,
    scaleFactor: config.scale_factor!,
    textHiddenSize: config.text_config!.hidden_size!,
  };
}
