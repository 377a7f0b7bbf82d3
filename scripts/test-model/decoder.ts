/**
 * decoder_model_merged.onnx: a Llama decoder (the SmolVLM text model) with the
 * IO of the real export (optimum "merged" decoder without use_cache_branch):
 *   inputs_embeds                float32 [batch_size, sequence_length, hidden]
 *   attention_mask               int64   [batch_size, total_sequence_length]
 *   position_ids                 int64   [batch_size, sequence_length]
 *   past_key_values.{i}.key|value float32 [batch_size, kv_heads, past_sequence_length, head_dim]
 *   -> logits                    float32 [batch_size, sequence_length, vocab]
 *   -> present.{i}.key|value     float32 [batch_size, kv_heads, total_sequence_length, head_dim]
 *
 * The past may be empty (transformers.js feeds length-0 tensors on the first
 * call). Query i of this call sits at absolute index past_len + i, so the
 * causal mask "key j <= past_len + i" is right both for a multi-token prefill
 * on top of a non-empty past and for one-token decode steps.
 */
import { floatTensor, GraphBuilder } from './graph-builder.js';
import { buildLogitBias } from './logit-bias.js';
import { DataType, makeValueInfo, type ModelProto } from './onnx-proto.js';
import type { Preset } from './presets.js';

/** Additive bias for masked attention positions; finite so fully masked rows stay NaN-free. */
const MASKED = -1e9;

export function buildDecoder(
  preset: Preset,
  vocabSize: number,
  tokenBytes: readonly Uint8Array[],
  seed: number,
  quantize: boolean | 'q4',
): ModelProto {
  const g = new GraphBuilder({ name: 'decoder_model_merged', seed, quantize });
  const t = preset.text;
  const D = t.hiddenSize;
  const H = t.numHeads;
  const KVH = t.numKeyValueHeads;
  const hd = t.headDim;
  const groups = H / KVH;
  if (!Number.isInteger(groups)) throw new Error('num_attention_heads must be a multiple of num_key_value_heads');
  const fanIn = (n: number): number => 1 / Math.sqrt(n);
  const residualScale = 1 / Math.sqrt(2 * t.numLayers);
  const qkvBias = t.attentionBias ?? false;

  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', D]);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const pastShape = ['batch_size', KVH, 'past_sequence_length', hd];
  const past: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < t.numLayers; i++) {
    past.push({
      key: g.input(`past_key_values.${i}.key`, DataType.FLOAT, pastShape),
      value: g.input(`past_key_values.${i}.value`, DataType.FLOAT, pastShape),
    });
  }

  // --- Attention mask bias [B, 1, 1, S, T] (shared by all layers) ---
  const mask = g.scope('mask', () => {
    const seqLen = g.op('Gather', [g.op('Shape', [embeds]), g.int64([1], [])], { axis: 0 });
    const pastLen = g.op('Gather', [g.op('Shape', [past[0]!.key]), g.int64([2], [])], { axis: 0 });
    const totalLen = g.op('Add', [pastLen, seqLen]);
    const one = g.int64([1], []);
    const zero = g.int64([0], []);
    const queryPos = g.op('Add', [g.op('Range', [zero, seqLen, one]), pastLen]); // [S]
    const keyPos = g.op('Range', [zero, totalLen, one]); // [T]
    const causal = g.op('LessOrEqual', [
      g.op('Unsqueeze', [keyPos, g.int64([0])]),
      g.op('Unsqueeze', [queryPos, g.int64([1])]),
    ]); // [S, T]
    const notPadding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: DataType.BOOL }), g.int64([1, 2])]); // [B,1,1,T]
    const allowed = g.op('And', [causal, notPadding]); // [B,1,S,T]
    const bias = g.op('Where', [allowed, g.float(0), g.float(MASKED)]);
    return g.op('Unsqueeze', [bias, g.int64([1])]); // [B,1,1,S,T] to broadcast over (kv head, group)
  });

  // --- Rotary embedding tables cos/sin [B, 1, S, hd] from position_ids ---
  const { cos, sin } = g.scope('rotary', () => {
    const invFreq = new Float32Array(hd / 2);
    for (let i = 0; i < hd / 2; i++) invFreq[i] = 1 / Math.pow(t.ropeTheta, (2 * i) / hd);
    const invFreqName = g.addInitializer(floatTensor('rotary_emb.inv_freq', invFreq, [hd / 2]));
    const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: DataType.FLOAT }), g.int64([2])]); // [B,S,1]
    const freqs = g.op('Mul', [pos, invFreqName]); // [B,S,hd/2]
    const emb = g.op('Concat', [freqs, freqs], { axis: -1 });
    const axis1 = g.int64([1]);
    return {
      cos: g.op('Unsqueeze', [g.op('Cos', [emb]), axis1]),
      sin: g.op('Unsqueeze', [g.op('Sin', [emb]), axis1]),
    };
  });
  const halfStart = g.int64([0]);
  const halfMid = g.int64([hd / 2]);
  const halfEnd = g.int64([hd]);
  const lastAxis = g.int64([3]);
  const applyRope = (x: string): string => {
    const x1 = g.op('Slice', [x, halfStart, halfMid, lastAxis]);
    const x2 = g.op('Slice', [x, halfMid, halfEnd, lastAxis]);
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: 3 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  const rmsNorm = (x: string, name: string): string => {
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.float(t.rmsNormEps)])])]);
    return g.op('Mul', [g.op('Mul', [x, inv]), g.filled(`${name}.weight`, [D], 1)]);
  };

  let x = embeds;
  for (let i = 0; i < t.numLayers; i++) {
    const p = `model.layers.${i}`;
    x = g.scope(`layers.${i}`, () => {
      const h = rmsNorm(x, `${p}.input_layernorm`);
      const toHeads = (y: string, n: number): string => g.transpose(g.reshape(y, [0, 0, n, hd]), [0, 2, 1, 3]);
      const q = applyRope(toHeads(g.linear(h, `${p}.self_attn.q_proj`, D, H * hd, fanIn(D), qkvBias), H));
      const k = applyRope(toHeads(g.linear(h, `${p}.self_attn.k_proj`, D, KVH * hd, fanIn(D), qkvBias), KVH));
      const v = toHeads(g.linear(h, `${p}.self_attn.v_proj`, D, KVH * hd, fanIn(D), qkvBias), KVH);
      const keyAll = g.op('Concat', [past[i]!.key, k], { axis: 2 }, [`present.${i}.key`]);
      const valueAll = g.op('Concat', [past[i]!.value, v], { axis: 2 }, [`present.${i}.value`]);

      // Grouped-query attention without copying K/V: query head h uses kv head
      // h / groups (HF repeat_kv), i.e. q [B,H,S,hd] viewed as [B,KVH,groups,S,hd].
      const qGrouped = g.reshape(q, [0, KVH, groups, -1, hd]);
      const kT = g.transpose(g.op('Unsqueeze', [keyAll, g.int64([2])]), [0, 1, 2, 4, 3]); // [B,KVH,1,hd,T]
      const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [qGrouped, kT]), g.float(1 / Math.sqrt(hd))]), mask]);
      const probs = g.op('Softmax', [scores], { axis: -1 });
      const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [valueAll, g.int64([2])])]); // [B,KVH,groups,S,hd]
      const merged = g.reshape(g.transpose(g.reshape(ctx, [0, H, -1, hd]), [0, 2, 1, 3]), [0, 0, H * hd]);
      const attnOut = g.linear(merged, `${p}.self_attn.o_proj`, H * hd, D, fanIn(H * hd) * residualScale);
      const afterAttn = g.op('Add', [x, attnOut]);

      // SiLU-gated MLP.
      const h2 = rmsNorm(afterAttn, `${p}.post_attention_layernorm`);
      const gate = g.linear(h2, `${p}.mlp.gate_proj`, D, t.intermediateSize, fanIn(D));
      const up = g.linear(h2, `${p}.mlp.up_proj`, D, t.intermediateSize, fanIn(D));
      const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
      const down = g.linear(act, `${p}.mlp.down_proj`, t.intermediateSize, D, fanIn(t.intermediateSize) * residualScale);
      return g.op('Add', [afterAttn, down]);
    });
    g.markOutput(`present.${i}.key`, DataType.FLOAT, ['batch_size', KVH, 'total_sequence_length', hd]);
    g.markOutput(`present.${i}.value`, DataType.FLOAT, ['batch_size', KVH, 'total_sequence_length', hd]);
  }

  const normed = rmsNorm(x, 'model.norm');
  // lm_head std 2/sqrt(D): logits of std ~2 so the argmax depends on the input.
  const rawLogits = g.linear(normed, 'lm_head', D, vocabSize, 2 * fanIn(D));
  const biasName = g.addInitializer(floatTensor('test_model.logit_bias', buildLogitBias(tokenBytes, vocabSize), [vocabSize]));
  const logits = g.op('Add', [rawLogits, biasName], {}, ['logits']);
  // Declared first, as in the real export (logits, then present.*).
  g.outputs.unshift(makeValueInfo(logits, DataType.FLOAT, ['batch_size', 'sequence_length', vocabSize]));
  return g.build(`${preset.family === 'fastvlm' ? 'FastVLM' : 'SmolVLM'}-format random test model (${preset.name}, seed ${seed}): ${qkvBias ? 'Qwen2' : 'Llama'} decoder`);
}
