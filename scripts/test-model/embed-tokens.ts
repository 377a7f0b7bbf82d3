/**
 * embed_tokens.onnx: input_ids int64 [batch_size, sequence_length]
 *   -> inputs_embeds float32 [batch_size, sequence_length, hidden] (a Gather).
 * In q8 mode the table is uint8 with a DequantizeLinear after the Gather,
 * like the real embed_tokens_quantized.onnx (one byte per weight). The real
 * embed_tokens_q4.onnx keeps fp32 rows (a Gather has no 4-bit kernel), and so
 * does q4 mode here.
 */
import { floatTensor, GraphBuilder, quantizeUint8, uint8Tensor } from './graph-builder.js';
import { DataType, type ModelProto } from './onnx-proto.js';
import type { Preset } from './presets.js';

/** Embedding std: unit-scale rows, comparable to the image features. */
export const EMBEDDING_STD = 1;
export const EMBEDDING_WEIGHT = 'embed_tokens.weight';

export function buildEmbedTokens(preset: Preset, vocabSize: number, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'embed_tokens', seed, quantize });
  const hidden = preset.text.hiddenSize;
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const table = g.randomWeights(EMBEDDING_WEIGHT, [vocabSize, hidden], EMBEDDING_STD);
  let embeds: string;
  if (quantize === true) {
    const q = quantizeUint8(table);
    const tq = g.addInitializer(uint8Tensor(`${EMBEDDING_WEIGHT}_quantized`, q.data, [vocabSize, hidden]));
    const scale = g.addInitializer(floatTensor(`${EMBEDDING_WEIGHT}_scale`, Float32Array.of(q.scale), []));
    const zero = g.addInitializer(uint8Tensor(`${EMBEDDING_WEIGHT}_zero_point`, Uint8Array.of(q.zeroPoint), []));
    embeds = g.op('DequantizeLinear', [g.op('Gather', [tq, ids], { axis: 0 }), scale, zero]);
  } else {
    const t = g.addInitializer(floatTensor(EMBEDDING_WEIGHT, table, [vocabSize, hidden]));
    embeds = g.op('Gather', [t, ids], { axis: 0 });
  }
  g.output('inputs_embeds', embeds, DataType.FLOAT, ['batch_size', 'sequence_length', hidden]);
  return g.build(`SmolVLM-format random test model (${preset.name}, seed ${seed}): token embeddings`);
}
