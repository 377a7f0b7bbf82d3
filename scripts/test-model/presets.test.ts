/**
 * The real-dimension presets (benchmark models) at graph-description level: every graph is built
 * with weightless tensors (the random generator is replaced), so parameter counts and shapes are
 * checked without writing the GBs the generator would.
 */
import { describe, expect, it, vi } from 'vitest';
import { buildDecoder } from './decoder.js';
import { buildEmbedTokens } from './embed-tokens.js';
import { buildFastVlmVisionEncoder, fastVlmConfigFiles } from './fastvlm.js';
import { buildFlorence2Decoder, buildFlorence2Encoder, buildFlorence2VisionEncoder, florence2ConfigFiles, FLORENCE2_TOKENIZER_LAYOUT } from './florence2.js';
import { parameterCount } from './graph-builder.js';
import type { ModelProto } from './onnx-proto.js';
import { imageSeqLen, PRESETS } from './presets.js';
import { stagedStride } from './staged-vision.js';
import { buildTokenizer } from './tokenizer.js';

vi.mock('./rng.js', async (importOriginal) => ({ ...(await importOriginal<typeof import('./rng.js')>()), randomTensor: () => new Float32Array(0) }));

const params = (model: ModelProto): number => parameterCount(model.graph.initializer);
const dims = (model: ModelProto, kind: 'input' | 'output', name: string) =>
  model.graph[kind].find((value) => value.name === name)?.type.tensor_type.shape.dim.map((dim) => ('dim_value' in dim ? dim.dim_value : dim.dim_param));
/** "…, 126.2M parameters, 244.3 GMACs per frame" from a stand-in's doc string. */
const reported = (model: ModelProto) => {
  const match = /([\d.]+)M parameters, ([\d.]+) GMACs per frame/.exec(model.doc_string ?? '');
  return { parameters: Number(match?.[1]) * 1e6, gmacs: Number(match?.[2]) };
};

describe('fastvlm-0.5b', () => {
  const preset = PRESETS['fastvlm-0.5b'];
  const tokenizer = buildTokenizer();

  it('has the decoder of Qwen2-0.5B exactly: 494,032,768 parameters with its (tied) lm_head', () => {
    const decoder = buildDecoder(preset, 151936, tokenizer.tokenBytes, 1, false);
    const [hidden, layers, ffn, vocab, kv] = [896, 24, 4864, 151936, 2 * 64];
    const perLayer = hidden * hidden + hidden + 2 * (hidden * kv + kv) + hidden * hidden + 3 * hidden * ffn + 2 * hidden;
    expect(layers * perLayer + hidden + vocab * hidden).toBe(494_032_768);
    expect(params(decoder)).toBe(494_032_768);
    expect(dims(decoder, 'input', 'past_key_values.0.key')).toEqual(['batch_size', 2, 'past_sequence_length', 64]);
    expect(dims(decoder, 'output', 'logits')).toEqual(['batch_size', 'sequence_length', 151936]);
    expect(decoder.graph.input.filter((input) => input.name.startsWith('past_key_values.'))).toHaveLength(48);
    expect(params(buildEmbedTokens(preset, 151936, 1, false))).toBe(vocab * hidden);
  });

  it('turns one 1024 px frame into 256 image tokens through a ~125M-parameter FastViTHD stand-in', () => {
    expect(stagedStride(preset.vision.stages!)).toBe(64);
    expect(imageSeqLen(preset)).toBe(256);
    const vision = buildFastVlmVisionEncoder(preset, 1, false);
    const projector = 3072 * 896 + 896 + 896 * 896 + 896;
    expect(reported(vision).parameters).toBeCloseTo(params(vision), -5);
    // FastViTHD: 125.1M published; the stand-in leaves out re-parameterisation and norm details.
    expect(Math.abs(params(vision) - projector - 125.1e6) / 125.1e6).toBeLessThan(0.03);
    expect(reported(vision).gmacs).toBeGreaterThan(200);
    expect(dims(vision, 'output', 'image_features')).toEqual(['batch_size', 'image_sequence_length', 896]);
    const config = fastVlmConfigFiles({ preset, seed: 1, tokenizer, vocabSize: 151936 })['config.json'] as Record<string, unknown>;
    expect(config).toMatchObject({ mm_hidden_size: 3072, hidden_size: 896, num_hidden_layers: 24, num_key_value_heads: 2, vocab_size: 151936, rope_theta: 1000000 });
  });
});

describe.each([
  // Published ONNX fp32 sizes / 4 bytes (onnx-community/Florence-2-base-ft), base only: large's are estimates.
  ['florence2-base', 768, 6, 3072, { vision: 367e6 / 4 }],
  ['florence2-large', 1024, 12, 4096, { vision: 1440e6 / 4 }],
] as const)('%s', (name, D, layers, ffn, published) => {
  const preset = PRESETS[name];
  const tokenizer = buildTokenizer(FLORENCE2_TOKENIZER_LAYOUT);
  const vocab = 51289;
  const attention = 4 * (D * D + D);
  const feedForward = 2 * D * ffn + ffn + D;
  const positions = (1024 + 2) * D;

  it('has the BART encoder and decoder of the published architecture', () => {
    // Encoder: self-attention, FFN, two layer norms per layer; embedding layer norm and positions.
    expect(params(buildFlorence2Encoder(preset, 1, false))).toBe(layers * (attention + feedForward + 2 * 2 * D) + 2 * D + positions);
    // Decoder: self- and cross-attention, FFN, three layer norms; lm_head (tied to the embeddings) and final_logits_bias.
    const decoder = buildFlorence2Decoder(preset, vocab, tokenizer, 1, false);
    expect(params(decoder)).toBe(layers * (2 * attention + feedForward + 3 * 2 * D) + 2 * D + positions + vocab * D + vocab);
    expect(dims(decoder, 'input', 'past_key_values.0.encoder.key')).toEqual(['batch_size', D / 64, 'encoder_sequence_length_out', 64]);
    expect(params(buildEmbedTokens(preset, vocab, 1, false))).toBe(vocab * D);
  });

  it('turns one 768 px frame into 577 image features through a DaViT stand-in of the published size', () => {
    expect(stagedStride(preset.vision.stages!)).toBe(32);
    const vision = buildFlorence2VisionEncoder(preset, 1, false);
    expect(Math.abs(params(vision) - published.vision) / published.vision).toBeLessThan(0.02);
    expect(reported(vision).parameters).toBeCloseTo(params(vision), -5);
    expect(dims(vision, 'output', 'image_features')).toEqual(['batch_size', 'num_image_tokens', D]);
    const preprocessor = florence2ConfigFiles({ preset, seed: 1, tokenizer, vocabSize: vocab })['preprocessor_config.json'] as Record<string, unknown>;
    expect(preprocessor['image_seq_length']).toBe(577);
  });
});

it('the base decoder matches the published fp32 file (388 MB: 97M parameters)', () => {
  const decoder = buildFlorence2Decoder(PRESETS['florence2-base'], 51289, buildTokenizer(FLORENCE2_TOKENIZER_LAYOUT), 1, false);
  expect(Math.abs((params(decoder) * 4) / 388e6 - 1)).toBeLessThan(0.01);
});
