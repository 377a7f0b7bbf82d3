/**
 * vision_encoder.onnx: SigLIP-style vision tower + Idefics3 connector, with
 * the IO of the real SmolVLM export:
 *   pixel_values         float32 [batch_size, num_images, 3, height, width]
 *   pixel_attention_mask bool    [batch_size, num_images, height, width]
 *   -> image_features    float32 [num_frames, image_seq_len, text_hidden]
 *
 * Like HF Idefics3Model.get_image_features, frames that are entirely zero
 * (batch padding added by the processor) are dropped, so num_frames equals
 * the number of real frames and matches the <image> tokens in the prompt.
 */
import { GraphBuilder } from './graph-builder.js';
import { DataType, type ModelProto } from './onnx-proto.js';
import { imageSeqLen, type Preset } from './presets.js';

/** A large negative attention bias for masked patches (finite so softmax stays NaN-free). */
const MASKED = -1e9;

export function buildVisionEncoder(preset: Preset, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'vision_encoder', seed, quantize });
  const v = preset.vision;
  const textHidden = preset.text.hiddenSize;
  const side = v.imageSize / v.patchSize;
  const numPatches = side * side;
  const sf = preset.scaleFactor;
  // Linear weights get std 1/sqrt(fan_in) so activations stay O(1); the
  // residual-branch outputs are scaled down a bit more for depth.
  const fanIn = (n: number): number => 1 / Math.sqrt(n);
  const residualScale = 1 / Math.sqrt(2 * v.numLayers);

  const pixelValues = g.input('pixel_values', DataType.FLOAT, ['batch_size', 'num_images', 3, 'height', 'width']);
  const pixelMask = g.input('pixel_attention_mask', DataType.BOOL, ['batch_size', 'num_images', 'height', 'width']);

  // [B, N, 3, H, W] -> [B*N, 3, S, S]; frames are always image_size square (the
  // processor resizes/splits to max_image_size), as in the real export.
  let frames = g.reshape(pixelValues, [-1, 3, v.imageSize, v.imageSize]);
  let frameMask = g.reshape(pixelMask, [-1, v.imageSize, v.imageSize]);

  // Keep real frames only: a frame is padding iff all its values are 0.
  const absMax = g.op('ReduceMax', [g.op('Abs', [frames])], { axes: [1, 2, 3], keepdims: 0 });
  const isReal = g.op('Greater', [absMax, g.float(0)]);
  frames = g.op('Compress', [frames, isReal], { axis: 0 });
  frameMask = g.op('Compress', [frameMask, isReal], { axis: 0 });

  // Patch embedding: Conv with kernel = stride = patch size, then [F, P, D].
  const patchW = g.weight('embeddings.patch_embedding.weight', [v.hiddenSize, 3, v.patchSize, v.patchSize], fanIn(3 * v.patchSize * v.patchSize));
  const patchB = g.weight('embeddings.patch_embedding.bias', [v.hiddenSize], 0.02);
  let x = g.op('Conv', [frames, patchW, patchB], {
    kernel_shape: [v.patchSize, v.patchSize],
    strides: [v.patchSize, v.patchSize],
  });
  x = g.transpose(g.reshape(x, [0, v.hiddenSize, numPatches]), [0, 2, 1]);
  x = g.op('Add', [x, g.weight('embeddings.position_embedding.weight', [1, numPatches, v.hiddenSize], 0.5)]);

  // Patch attention mask (a patch is valid if any of its pixels is): additive
  // bias [F, 1, 1, P] on the attention scores, as SigLIP does for padded images.
  const maskF = g.op('Cast', [frameMask], { to: DataType.FLOAT });
  const patchValid = g.op('ReduceMax', [g.reshape(maskF, [0, side, v.patchSize, side, v.patchSize])], {
    axes: [2, 4],
    keepdims: 0,
  });
  const attnBias = g.op('Mul', [g.op('Sub', [g.reshape(patchValid, [0, 1, 1, numPatches]), g.float(1)]), g.float(-MASKED)]);

  const layerNorm = (input: string, name: string): string =>
    g.op('LayerNormalization', [input, g.filled(`${name}.weight`, [v.hiddenSize], 1), g.weight(`${name}.bias`, [v.hiddenSize], 0.02)], {
      axis: -1,
      epsilon: { f: v.layerNormEps },
    });

  for (let layer = 0; layer < v.numLayers; layer++) {
    const p = `encoder.layers.${layer}`;
    x = g.scope(`encoder/layers.${layer}`, () => {
      const attnOut = siglipAttention(g, layerNorm(x, `${p}.layer_norm1`), `${p}.self_attn`, v.hiddenSize, v.numHeads, attnBias, fanIn(v.hiddenSize) * residualScale);
      const afterAttn = g.op('Add', [x, attnOut]);
      const fc2 = siglipMlp(g, layerNorm(afterAttn, `${p}.layer_norm2`), `${p}.mlp`, v.hiddenSize, v.intermediateSize, fanIn(v.intermediateSize) * residualScale);
      return g.op('Add', [afterAttn, fc2]);
    });
  }
  x = layerNorm(x, 'post_layernorm');

  // Idefics3Connector.pixel_shuffle, same view/permute sequence as HF:
  // [F, seq, D] -> [F, h, w/sf, D*sf] -> permute -> [F, w/sf, h/sf, D*sf*sf] -> permute -> [F, seq/sf^2, D*sf^2]
  const shuffled = g.scope('connector', () => {
    let s = g.reshape(x, [0, side, side / sf, v.hiddenSize * sf]);
    s = g.transpose(s, [0, 2, 1, 3]);
    s = g.reshape(s, [0, side / sf, side / sf, v.hiddenSize * sf * sf]);
    s = g.transpose(s, [0, 2, 1, 3]);
    return g.reshape(s, [0, imageSeqLen(preset), v.hiddenSize * sf * sf]);
  });
  const projected = g.linear(shuffled, 'connector.modality_projection.proj', v.hiddenSize * sf * sf, textHidden, fanIn(v.hiddenSize * sf * sf));
  g.output('image_features', projected, DataType.FLOAT, ['num_frames', imageSeqLen(preset), textHidden]);

  return g.build(`SmolVLM-format random test model (${preset.name}, seed ${seed}): vision encoder`);
}

/**
 * SigLIP's self-attention over h [B, N, D] (biases on q, k, v and out), with an optional additive
 * bias on the scores; `outStd` is the output projection's weight scale. Shared with the
 * hierarchical stand-ins of staged-vision.ts.
 */
export function siglipAttention(g: GraphBuilder, h: string, p: string, dim: number, numHeads: number, bias: string | null, outStd: number): string {
  const headDim = dim / numHeads;
  const std = 1 / Math.sqrt(dim);
  const heads = (t: string): string => g.transpose(g.reshape(t, [0, 0, numHeads, headDim]), [0, 2, 1, 3]);
  const q = heads(g.linear(h, `${p}.q_proj`, dim, dim, std, true));
  const k = g.transpose(g.reshape(g.linear(h, `${p}.k_proj`, dim, dim, std, true), [0, 0, numHeads, headDim]), [0, 2, 3, 1]);
  const val = heads(g.linear(h, `${p}.v_proj`, dim, dim, std, true));
  let scores = g.op('Mul', [g.op('MatMul', [q, k]), g.float(1 / Math.sqrt(headDim))]);
  if (bias !== null) scores = g.op('Add', [scores, bias]);
  const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), val]);
  const merged = g.reshape(g.transpose(ctx, [0, 2, 1, 3]), [0, 0, dim]);
  return g.linear(merged, `${p}.out_proj`, dim, dim, outStd, true);
}

/** SigLIP's MLP: fc1, gelu_pytorch_tanh (spelled out: opset 17 has no Gelu), fc2. */
export function siglipMlp(g: GraphBuilder, h: string, p: string, dim: number, hidden: number, outStd: number): string {
  const fc1 = g.linear(h, `${p}.fc1`, dim, hidden, 1 / Math.sqrt(dim), true);
  const cube = g.op('Mul', [g.op('Mul', [fc1, fc1]), fc1]);
  const inner = g.op('Mul', [g.op('Add', [fc1, g.op('Mul', [cube, g.float(0.044715)])]), g.float(Math.sqrt(2 / Math.PI))]);
  const gelu = g.op('Mul', [g.op('Mul', [fc1, g.float(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.float(1)])]);
  return g.linear(gelu, `${p}.fc2`, hidden, dim, outStd, true);
}
