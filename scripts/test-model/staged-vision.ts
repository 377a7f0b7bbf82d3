/**
 * Stand-ins for the hierarchical vision encoders of FastVLM (FastViTHD) and Florence-2 (DaViT) at
 * their published sizes, for the benchmark models (random weights). Their code and weights are not
 * available here, so these are rebuilt from the published architecture descriptions, block by
 * block with the same op kinds and tensor shapes: the parameter count and the work per frame come
 * out close to the real encoders' (docs/performance.md, "Issue 15"), the exact graph does not
 * (batch norms folded or replaced by layer norms, no re-parameterisation branches, GELU as tanh).
 *
 * Activations stay channels-last ([B, H, W, C]) so every 1 x 1 convolution is a `g.linear` (uint8
 * MatMulInteger in the q8 files, like the published `_quantized` exports); depthwise and strided
 * convolutions are fp32 Conv nodes on a transposed view, as in a PyTorch export of these blocks.
 * The attention layers are SigLIP's (vision-encoder.ts).
 */
import type { GraphBuilder } from './graph-builder.js';
import { siglipAttention, siglipMlp } from './vision-encoder.js';

/** One stage: `depth` blocks at `dim` channels, entered through a stride-2 downsampling (after the stem, none). */
export interface VisionStage {
  dim: number;
  depth: number;
  /**
   * 'repmixer': FastViT's conv block (depthwise 3 x 3 token mixer, ConvFFN).
   * 'attention': FastViT's attention block (pre-norm self-attention over the whole grid, ConvFFN), after a 7 x 7 conv position encoding.
   * 'davit': DaViT's pair of blocks (window self-attention, then channel attention in `heads` groups), each with 3 x 3 conv position encodings and a pre-norm MLP.
   */
  block: 'repmixer' | 'attention' | 'davit';
  heads: number;
  /** Side of DaViT's attention windows, in tokens. */
  window?: number;
}

export interface StagedVision {
  /** 'fastvit': conv stem of stride 4, downsampling by a grouped 7 x 7 conv and a 1 x 1; 'davit': 7 x 7 / 4 conv stem, 3 x 3 / 2 conv downsampling. */
  style: 'fastvit' | 'davit';
  stages: readonly VisionStage[];
  mlpRatio: number;
  /** FastViTHD's conv_exp: a grouped 3 x 3 conv widening to this many channels, squeeze-excitation, GELU. */
  expandTo?: number;
  /** What the stand-in stands for, for the files' doc string. */
  standsFor: string;
}

export interface StagedTrunk {
  /** [B, side * side, channels], row-major over the grid. */
  tokens: string;
  side: number;
  channels: number;
  /** Multiply-accumulates per frame (matrix products, convolutions, attention scores and context). */
  macs: number;
}

/** The stand-in's total stride: stem 4, then 2 per stage after the first. */
export function stagedStride(spec: StagedVision): number {
  return 4 * 2 ** (spec.stages.length - 1);
}

export function buildStagedTrunk(g: GraphBuilder, pixelValues: string, spec: StagedVision, imageSize: number): StagedTrunk {
  let macs = 0;
  let side = imageSize / 4;
  let channels = spec.stages[0]!.dim;
  const fanIn = (n: number): number => 1 / Math.sqrt(n);
  const toChannelsFirst = (x: string): string => g.transpose(x, [0, 3, 1, 2]);
  const toChannelsLast = (x: string): string => g.transpose(x, [0, 2, 3, 1]);

  /** A k x k conv on a channels-first map, `groups` groups; counts its work at the output size. */
  const conv = (x: string, name: string, inC: number, outC: number, kernel: number, stride: number, groups: number, outSide: number, scale = 1): string => {
    macs += outSide * outSide * outC * (inC / groups) * kernel * kernel;
    const w = g.weight(`${name}.weight`, [outC, inC / groups, kernel, kernel], fanIn((inC / groups) * kernel * kernel) * scale);
    const pad = Math.floor(kernel / 2);
    return g.op('Conv', [x, w, g.weight(`${name}.bias`, [outC], 0.02)], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad], group: groups });
  };
  /** Depthwise conv on channels-last x, same size; `scale` < 1 on a residual branch keeps random activations O(1) over dozens of blocks. */
  const depthwise = (x: string, name: string, kernel: number, scale = 1): string =>
    toChannelsLast(conv(toChannelsFirst(x), name, channels, channels, kernel, 1, channels, side, scale));
  const linear = (x: string, name: string, inC: number, outC: number, std = fanIn(inC)): string => {
    macs += side * side * inC * outC;
    return g.linear(x, name, inC, outC, std, true);
  };
  const layerNorm = (x: string, name: string): string =>
    g.op('LayerNormalization', [x, g.filled(`${name}.weight`, [channels], 1), g.weight(`${name}.bias`, [channels], 0.02)], { axis: -1, epsilon: { f: 1e-5 } });
  const gelu = (x: string): string =>
    g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), g.op('Add', [g.op('Erf', [g.op('Mul', [x, g.float(Math.SQRT1_2)])]), g.float(1)])]);
  const mlp = (h: string, p: string, outStd: number): string => {
    macs += 2 * side * side * channels * channels * spec.mlpRatio;
    return siglipMlp(g, h, p, channels, channels * spec.mlpRatio, outStd);
  };
  /** FastViT's ConvFFN: depthwise 7 x 7, then the MLP. */
  const convFfn = (x: string, p: string): string => mlp(depthwise(x, `${p}.conv`, 7), `${p}.mlp`, fanIn(channels * spec.mlpRatio) * 0.1);

  /** Self-attention over windows of `window` x `window` tokens (the whole grid when absent); x is [B, side, side, C]. */
  const windowAttention = (x: string, p: string, heads: number, window = side): string => {
    const n = side / window;
    const windows = g.reshape(g.transpose(g.reshape(x, [0, n, window, n, window, channels]), [0, 1, 3, 2, 4, 5]), [-1, window * window, channels]);
    macs += 4 * side * side * channels * channels + 2 * side * side * window * window * channels;
    const attended = siglipAttention(g, layerNorm(windows, `${p}.norm`), `${p}.attn`, channels, heads, null, fanIn(channels) * 0.1);
    return g.reshape(g.transpose(g.reshape(attended, [-1, n, n, window, window, channels]), [0, 1, 3, 2, 4, 5]), [-1, side, side, channels]);
  };
  /** DaViT's channel attention: each of `groups` groups attends over its channels ([hd, hd] scores over all tokens). */
  const channelAttention = (x: string, p: string, groups: number): string => {
    const tokens = side * side;
    const hd = channels / groups;
    const h = g.reshape(layerNorm(x, `${p}.norm`), [0, tokens, channels]);
    const split = (t: string, perm: number[]): string => g.transpose(g.reshape(t, [0, 0, groups, hd]), perm);
    const q = split(linear(h, `${p}.attn.q_proj`, channels, channels), [0, 2, 3, 1]); // [B, G, hd, N]
    const k = split(linear(h, `${p}.attn.k_proj`, channels, channels), [0, 2, 1, 3]); // [B, G, N, hd]
    const v = split(linear(h, `${p}.attn.v_proj`, channels, channels), [0, 2, 3, 1]); // [B, G, hd, N]
    macs += 2 * tokens * channels * hd;
    const scores = g.op('Mul', [g.op('MatMul', [q, k]), g.float(1 / Math.sqrt(tokens))]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]); // [B, G, hd, N]
    const merged = g.reshape(g.transpose(context, [0, 3, 1, 2]), [0, side, side, channels]);
    return linear(merged, `${p}.attn.out_proj`, channels, channels, fanIn(channels) * 0.1);
  };

  // Stem: to a quarter of the frame at the first stage's width.
  let x: string;
  if (spec.style === 'fastvit') {
    // MobileOne blocks: 3 x 3 / 2 (3 -> C), depthwise 3 x 3 / 2, 1 x 1.
    side = imageSize / 2;
    let map = g.op('Relu', [conv(pixelValues, 'stem.0', 3, channels, 3, 2, 1, side)]);
    side = imageSize / 4;
    map = g.op('Relu', [conv(map, 'stem.1', channels, channels, 3, 2, channels, side)]);
    x = gelu(linear(toChannelsLast(map), 'stem.2', channels, channels));
  } else {
    x = layerNorm(toChannelsLast(conv(pixelValues, 'convs.0', 3, channels, 7, 4, 1, side)), 'convs.0.norm');
  }

  spec.stages.forEach((stage, index) => {
    const p = `stages.${index}`;
    if (index > 0) {
      const inC = channels;
      side /= 2;
      channels = stage.dim;
      x = g.scope(`${p}/downsample`, () => {
        if (spec.style === 'fastvit') {
          // PatchEmbed: grouped 7 x 7 / 2 (groups = input channels), then 1 x 1 at the new width.
          const widened = conv(toChannelsFirst(x), `${p}.downsample.conv`, inC, channels, 7, 2, inC, side);
          return gelu(linear(toChannelsLast(widened), `${p}.downsample.proj`, channels, channels));
        }
        const normed = g.op('LayerNormalization', [x, g.filled(`${p}.downsample.norm.weight`, [inC], 1), g.weight(`${p}.downsample.norm.bias`, [inC], 0.02)], {
          axis: -1,
          epsilon: { f: 1e-5 },
        });
        return toChannelsLast(conv(toChannelsFirst(normed), `${p}.downsample.conv`, inC, channels, 3, 2, 1, side));
      });
    }
    if (stage.block === 'attention') x = g.op('Add', [x, depthwise(x, `${p}.pos_embed`, 7, 0.1)]);
    for (let block = 0; block < stage.depth; block++) {
      const b = `${p}.blocks.${block}`;
      x = g.scope(`stages.${index}/blocks.${block}`, () => {
        let y = x;
        if (stage.block === 'repmixer') {
          y = g.op('Add', [y, depthwise(y, `${b}.token_mixer`, 3, 0.1)]);
          return g.op('Add', [y, convFfn(y, `${b}.ffn`)]);
        }
        if (stage.block === 'attention') {
          y = g.op('Add', [y, windowAttention(y, b, stage.heads)]);
          return g.op('Add', [y, convFfn(y, `${b}.ffn`)]);
        }
        // DaViT: a spatial block then a channel block, each cpe -> attention -> cpe -> MLP.
        for (const [kind, attend] of [
          ['spatial', (t: string, q: string) => windowAttention(t, q, stage.heads, stage.window)],
          ['channel', (t: string, q: string) => channelAttention(t, q, stage.heads)],
        ] as const) {
          const k = `${b}.${kind}`;
          y = g.op('Add', [y, depthwise(y, `${k}.cpe.0`, 3, 0.1)]);
          y = g.op('Add', [y, attend(y, k)]);
          y = g.op('Add', [y, depthwise(y, `${k}.cpe.1`, 3, 0.1)]);
          y = g.op('Add', [y, mlp(layerNorm(y, `${k}.mlp_norm`), `${k}.mlp`, fanIn(channels * spec.mlpRatio) * 0.1)]);
        }
        return y;
      });
    }
  });

  if (spec.expandTo !== undefined) {
    // conv_exp: grouped 3 x 3 (groups = channels), squeeze-excitation (1/16), GELU.
    const outC = spec.expandTo;
    const expanded = toChannelsLast(conv(toChannelsFirst(x), 'conv_exp.conv', channels, outC, 3, 1, channels, side));
    const squeezed = g.op('ReduceMean', [expanded], { axes: [1, 2], keepdims: 1 });
    const reduced = outC / 16;
    macs += outC * reduced * 2;
    const gate = g.op('Sigmoid', [
      g.linear(g.op('Relu', [g.linear(squeezed, 'conv_exp.se.reduce', outC, reduced, fanIn(outC), true)]), 'conv_exp.se.expand', reduced, outC, fanIn(reduced), true),
    ]);
    x = gelu(g.op('Mul', [expanded, gate]));
    channels = outC;
  } else if (spec.style === 'davit') {
    x = layerNorm(x, 'norm');
  }
  return { tokens: g.reshape(x, [0, side * side, channels]), side, channels, macs };
}
