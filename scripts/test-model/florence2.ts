/**
 * A Florence-2-format test model (onnx-community/Florence-2-base-ft's four sessions, random
 * weights), for the encoder-decoder path of the runtime:
 *
 *   vision_encoder.onnx   pixel_values float32 [batch_size, 3, height, width]
 *                         -> image_features float32 [batch_size, num_image_tokens, d_model]
 *     A stand-in for DaViT + its projection: a 32 px patch convolution (768 px -> 24 x 24 = 576
 *     tokens) with their mean prepended (577 tokens, the published image_seq_length), projected
 *     and layer-normed. The real-size presets replace the patch convolution with a DaViT
 *     stand-in (staged-vision.ts) and Florence-2's 2-D position and temporal embeddings.
 *   embed_tokens.onnx     the shared token embeddings.
 *   encoder_model.onnx    inputs_embeds float32 [batch_size, encoder_sequence_length, d_model],
 *                         attention_mask int64 [batch_size, encoder_sequence_length]
 *                         -> last_hidden_state float32 [batch_size, encoder_sequence_length, d_model]
 *     A BART encoder (learned positions offset by 2, post-layer-norm layers).
 *   decoder_model_merged.onnx
 *                         encoder_attention_mask int64 [batch_size, encoder_sequence_length],
 *                         encoder_hidden_states float32 [batch_size, encoder_sequence_length, d_model],
 *                         inputs_embeds float32 [batch_size, decoder_sequence_length, d_model],
 *                         past_key_values.{i}.decoder.key|value [batch_size, heads, past_decoder_sequence_length, head_dim],
 *                         past_key_values.{i}.encoder.key|value [batch_size, heads, encoder_sequence_length_out, head_dim],
 *                         use_cache_branch bool [1]
 *                         -> logits, present.{i}.decoder.*, present.{i}.encoder.*
 *     A BART decoder with cross-attention. The published merged decoder switches on
 *     use_cache_branch with an If node; here the same choice is a Slice of [past; computed]
 *     cross-attention keys/values: the past ones on the cache branch, the freshly computed ones
 *     on the first step. Same inputs, outputs and results.
 *
 * The logits get a bias by decoder position so that greedy decoding writes Florence-2's detection
 * grammars from random weights: one text token, then eight location tokens, again and again
 * ("label<loc_a>..<loc_h>..."). Eight, not four, so that every task that answers with regions
 * gets them: OCR with regions reads the eight as one quadrilateral, detection and grounding as two
 * boxes (transformers.js gives the second one the label of the first). Which text and which bins
 * stay the network's choice, so they depend on the image and the task.
 */
import { FLORENCE2_PROCESSOR_TASKS, LOCATION_BINS } from '../../workers/models/florence2-tasks.ts';
import { floatTensor, GraphBuilder, parameterCount } from './graph-builder.js';
import { OTHER_TOKEN_BIAS, SPECIAL_TOKEN_BIAS } from './logit-bias.js';
import { DataType, makeValueInfo, type ModelProto } from './onnx-proto.js';
import type { Preset } from './presets.js';
import { buildStagedTrunk } from './staged-vision.js';
import type { GeneratedTokenizer, TokenizerLayout } from './tokenizer.js';

const MASKED = -1e9;
/** BART's learned positions start at index 2 (fairseq's padding offset). */
const POSITION_OFFSET = 2;
/**
 * Every ninth answer token is text, the eight after it location tokens. Position 0 is the decoder
 * start token, position 1 the forced <s>: the logits at positions 1, 10, 19, ... choose text.
 */
const PATTERN = 9;

export const FLORENCE2_LOCATION_TOKENS = Array.from({ length: LOCATION_BINS }, (_, bin) => `<loc_${bin}>`);

/** BART's tokenizer layout: <s> <pad> </s> <unk> first, the location tokens last, <s> ... </s> around text. */
export const FLORENCE2_TOKENIZER_LAYOUT: TokenizerLayout = {
  leading: ['<s>', '<pad>', '</s>', '<unk>'],
  trailing: FLORENCE2_LOCATION_TOKENS,
  postProcessor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
};

type Builder = GraphBuilder;

function layerNorm(g: Builder, x: string, name: string, dim: number): string {
  return g.op('LayerNormalization', [x, g.filled(`${name}.weight`, [dim], 1), g.weight(`${name}.bias`, [dim], 0.02)], { axis: -1, epsilon: { f: 1e-5 } });
}

function gelu(g: Builder, x: string): string {
  return g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), g.op('Add', [g.op('Erf', [g.op('Mul', [x, g.float(Math.SQRT1_2)])]), g.float(1)])]);
}

/** [B, S, H*hd] -> [B, H, S, hd]. */
function toHeads(g: Builder, x: string, heads: number, headDim: number): string {
  return g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]);
}

/** Scaled dot-product attention of q [B,H,S,hd] over k, v [B,H,T,hd] with an additive bias, merged back to [B, S, H*hd]. */
function attend(g: Builder, q: string, k: string, v: string, bias: string, heads: number, headDim: number): string {
  const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.transpose(k, [0, 1, 3, 2])]), g.float(1 / Math.sqrt(headDim))]), bias]);
  const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
  return g.reshape(g.transpose(context, [0, 2, 1, 3]), [0, 0, heads * headDim]);
}

/** Learned positions `start + [0, length)` (plus BART's offset) from a table of `maxPositions` rows. */
function positions(g: Builder, length: string, start: string | null, maxPositions: number, dim: number, name: string): string {
  const table = g.weight(name, [maxPositions + POSITION_OFFSET, dim], 0.02);
  let index = g.op('Range', [g.int64([0], []), length, g.int64([1], [])]);
  if (start) index = g.op('Add', [index, start]);
  return g.op('Gather', [table, g.op('Add', [index, g.int64([POSITION_OFFSET], [])])], { axis: 0 });
}

/** Additive attention bias [B, 1, 1, T] from a 0/1 mask [B, T]. */
function paddingBias(g: Builder, mask: string): string {
  const keep = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DataType.BOOL }), g.int64([1, 2])]);
  return g.op('Where', [keep, g.float(0), g.float(MASKED)]);
}

function feedForward(g: Builder, x: string, name: string, dim: number, hidden: number): string {
  const inner = gelu(g, g.linear(x, `${name}.fc1`, dim, hidden, 1 / Math.sqrt(dim), true));
  return g.linear(inner, `${name}.fc2`, hidden, dim, 1 / Math.sqrt(hidden), true);
}

export function buildFlorence2VisionEncoder(preset: Preset, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'vision_encoder', seed, quantize });
  const v = preset.vision;
  const D = preset.text.hiddenSize;
  const pixelValues = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, 'height', 'width']);
  let x: string;
  let macs = 0;
  if (v.stages) {
    // Real dimensions: the DaViT stand-in, then Florence-2's learned 2-D positions (a row and a
    // column table of 50 entries, half the channels each) and its temporal embedding (one frame).
    const trunk = buildStagedTrunk(g, pixelValues, v.stages, v.imageSize);
    const half = trunk.channels / 2;
    const side = trunk.side;
    const table = (name: string, axis: number): string => {
      const rows = g.op('Slice', [g.weight(name, [50, half], 0.02), g.int64([0]), g.int64([side]), g.int64([0])]);
      return g.op('Expand', [g.op('Unsqueeze', [rows, g.int64([axis])]), g.int64([side, side, half])]);
    };
    const position = g.reshape(g.op('Concat', [table('image_pos_embed.column_embeddings.weight', 0), table('image_pos_embed.row_embeddings.weight', 1)], { axis: -1 }), [1, side * side, trunk.channels]);
    x = g.op('Add', [g.op('Add', [trunk.tokens, position]), g.weight('visual_temporal_embed', [1, 1, trunk.channels], 0.02)]);
    macs = trunk.macs + (side * side + 1) * v.hiddenSize * D;
  } else {
    const patchW = g.weight('vision_tower.patch_embed.weight', [v.hiddenSize, 3, v.patchSize, v.patchSize], 1 / Math.sqrt(3 * v.patchSize * v.patchSize));
    x = g.op('Conv', [pixelValues, patchW, g.weight('vision_tower.patch_embed.bias', [v.hiddenSize], 0.02)], {
      kernel_shape: [v.patchSize, v.patchSize],
      strides: [v.patchSize, v.patchSize],
    });
    x = g.transpose(g.reshape(x, [0, v.hiddenSize, -1]), [0, 2, 1]); // [B, 576, C]
  }
  // Florence-2 puts a pooled token before the spatial ones (image_feature_source: spatial_avg_pool first).
  const pooled = g.op('ReduceMean', [x], { axes: [1], keepdims: 1 });
  x = g.op('Concat', [pooled, x], { axis: 1 });
  const projected = g.linear(x, 'image_projection', v.hiddenSize, D, 1 / Math.sqrt(v.hiddenSize));
  g.output('image_features', layerNorm(g, projected, 'image_proj_norm', D), DataType.FLOAT, ['batch_size', 'num_image_tokens', D]);
  const cost = v.stages ? ` for ${v.stages.standsFor}, ${(parameterCount(g.initializers) / 1e6).toFixed(1)}M parameters, ${(macs / 1e9).toFixed(1)} GMACs per frame` : '';
  return g.build(`Florence-2-format random test model (${preset.name}, seed ${seed}): vision encoder stand-in${cost}`);
}

export function buildFlorence2Encoder(preset: Preset, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'encoder_model', seed, quantize });
  const t = preset.text;
  const D = t.hiddenSize;
  const hd = D / t.numHeads;
  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'encoder_sequence_length', D]);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'encoder_sequence_length']);
  const length = g.op('Gather', [g.op('Shape', [embeds]), g.int64([1], [])], { axis: 0 });
  let x = layerNorm(g, g.op('Add', [embeds, positions(g, length, null, t.maxPositionEmbeddings, D, 'encoder.embed_positions.weight')]), 'encoder.layernorm_embedding', D);
  const bias = paddingBias(g, mask);
  for (let i = 0; i < t.numLayers; i++) {
    const p = `encoder.layers.${i}`;
    x = g.scope(`encoder/layers.${i}`, () => {
      const q = toHeads(g, g.linear(x, `${p}.self_attn.q_proj`, D, D, 1 / Math.sqrt(D), true), t.numHeads, hd);
      const k = toHeads(g, g.linear(x, `${p}.self_attn.k_proj`, D, D, 1 / Math.sqrt(D), true), t.numHeads, hd);
      const v = toHeads(g, g.linear(x, `${p}.self_attn.v_proj`, D, D, 1 / Math.sqrt(D), true), t.numHeads, hd);
      const attention = g.linear(attend(g, q, k, v, bias, t.numHeads, hd), `${p}.self_attn.out_proj`, D, D, 1 / Math.sqrt(D), true);
      const afterAttention = layerNorm(g, g.op('Add', [x, attention]), `${p}.self_attn_layer_norm`, D);
      return layerNorm(g, g.op('Add', [afterAttention, feedForward(g, afterAttention, p, D, t.intermediateSize)]), `${p}.final_layer_norm`, D);
    });
  }
  g.output('last_hidden_state', x, DataType.FLOAT, ['batch_size', 'encoder_sequence_length', D]);
  return g.build(`Florence-2-format random test model (${preset.name}, seed ${seed}): BART encoder`);
}

/** Which tokens are text (readable or other bytes), which are location tokens, and the constant bias of each. */
function vocabularyClasses(tokenizer: GeneratedTokenizer, vocabSize: number): { text: Float32Array; location: Float32Array; constant: Float32Array } {
  const text = new Float32Array(vocabSize);
  const location = new Float32Array(vocabSize);
  const constant = new Float32Array(vocabSize).fill(SPECIAL_TOKEN_BIAS);
  tokenizer.tokenBytes.forEach((bytes, id) => {
    if (bytes.length === 0) return;
    text[id] = 1;
    constant[id] = /^[A-Za-z ,.'!?]+$/.test(String.fromCharCode(...bytes)) ? 0 : OTHER_TOKEN_BIAS;
  });
  for (const token of FLORENCE2_LOCATION_TOKENS) {
    const id = tokenizer.specialIds[token]!;
    location[id] = 1;
    constant[id] = 0;
  }
  return { text, location, constant };
}

export function buildFlorence2Decoder(preset: Preset, vocabSize: number, tokenizer: GeneratedTokenizer, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'decoder_model_merged', seed, quantize });
  const t = preset.text;
  const D = t.hiddenSize;
  const H = t.numHeads;
  const hd = D / H;
  const fanIn = 1 / Math.sqrt(D);

  const encoderMask = g.input('encoder_attention_mask', DataType.INT64, ['batch_size', 'encoder_sequence_length']);
  const encoderStates = g.input('encoder_hidden_states', DataType.FLOAT, ['batch_size', 'encoder_sequence_length', D]);
  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'decoder_sequence_length', D]);
  const past = Array.from({ length: t.numLayers }, (_, i) => ({
    decoderKey: g.input(`past_key_values.${i}.decoder.key`, DataType.FLOAT, ['batch_size', H, 'past_decoder_sequence_length', hd]),
    decoderValue: g.input(`past_key_values.${i}.decoder.value`, DataType.FLOAT, ['batch_size', H, 'past_decoder_sequence_length', hd]),
    encoderKey: g.input(`past_key_values.${i}.encoder.key`, DataType.FLOAT, ['batch_size', H, 'encoder_sequence_length_out', hd]),
    encoderValue: g.input(`past_key_values.${i}.encoder.value`, DataType.FLOAT, ['batch_size', H, 'encoder_sequence_length_out', hd]),
  }));
  const useCacheBranch = g.input('use_cache_branch', DataType.BOOL, [1]);

  const length = g.op('Gather', [g.op('Shape', [embeds]), g.int64([1], [])], { axis: 0 });
  const pastLength = g.op('Gather', [g.op('Shape', [past[0]!.decoderKey]), g.int64([2], [])], { axis: 0 });
  let x = layerNorm(g, g.op('Add', [embeds, positions(g, length, pastLength, t.maxPositionEmbeddings, D, 'decoder.embed_positions.weight')]), 'decoder.layernorm_embedding', D);

  // Causal self-attention over past + new tokens: query i (at pastLength + i) sees keys j <= pastLength + i.
  const queryPositions = g.op('Add', [g.op('Range', [g.int64([0], []), length, g.int64([1], [])]), pastLength]);
  const keyPositions = g.op('Range', [g.int64([0], []), g.op('Add', [pastLength, length]), g.int64([1], [])]);
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyPositions, g.int64([0])]), g.op('Unsqueeze', [queryPositions, g.int64([1])])]);
  const selfBias = g.op('Where', [causal, g.float(0), g.float(MASKED)]);
  const crossBias = paddingBias(g, encoderMask);

  // The cache branch: [past; computed] sliced to the past (cache branch) or to the computed (first step).
  const onCache = g.op('Cast', [useCacheBranch], { to: DataType.INT64 });
  const offCache = g.op('Sub', [g.int64([1]), onCache]);
  // Cross-attention keys and values are projected on the first step only, as under the published
  // export's If node: on the cache branch the encoder states are cut to length 0 first, so a decode
  // step does not pay 2 x layers projections of every encoder position (that would be ~40x the
  // work of a real step at Florence-2-base's size).
  const encoderLength = g.op('Shape', [encoderStates], { start: 1, end: 2 });
  const statesToProject = g.op('Slice', [encoderStates, g.int64([0]), g.op('Mul', [offCache, encoderLength]), g.int64([1])]);
  const crossKeysValues = (pastTensor: string, computed: string): string => {
    const pastLen = g.op('Shape', [pastTensor], { start: 2, end: 3 });
    const computedLen = g.op('Shape', [computed], { start: 2, end: 3 });
    const start = g.op('Mul', [offCache, pastLen]);
    const end = g.op('Add', [start, g.op('Add', [g.op('Mul', [onCache, pastLen]), g.op('Mul', [offCache, computedLen])])]);
    return g.op('Slice', [g.op('Concat', [pastTensor, computed], { axis: 2 }), start, end, g.int64([2])]);
  };

  for (let i = 0; i < t.numLayers; i++) {
    const p = `decoder.layers.${i}`;
    x = g.scope(`decoder/layers.${i}`, () => {
      const q = toHeads(g, g.linear(x, `${p}.self_attn.q_proj`, D, D, fanIn, true), H, hd);
      const k = toHeads(g, g.linear(x, `${p}.self_attn.k_proj`, D, D, fanIn, true), H, hd);
      const v = toHeads(g, g.linear(x, `${p}.self_attn.v_proj`, D, D, fanIn, true), H, hd);
      const keys = g.op('Concat', [past[i]!.decoderKey, k], { axis: 2 }, [`present.${i}.decoder.key`]);
      const values = g.op('Concat', [past[i]!.decoderValue, v], { axis: 2 }, [`present.${i}.decoder.value`]);
      const selfAttention = g.linear(attend(g, q, keys, values, selfBias, H, hd), `${p}.self_attn.out_proj`, D, D, fanIn, true);
      const afterSelf = layerNorm(g, g.op('Add', [x, selfAttention]), `${p}.self_attn_layer_norm`, D);

      const crossQuery = toHeads(g, g.linear(afterSelf, `${p}.encoder_attn.q_proj`, D, D, fanIn, true), H, hd);
      const computedKeys = toHeads(g, g.linear(statesToProject, `${p}.encoder_attn.k_proj`, D, D, fanIn, true), H, hd);
      const computedValues = toHeads(g, g.linear(statesToProject, `${p}.encoder_attn.v_proj`, D, D, fanIn, true), H, hd);
      const crossKeys = g.op('Identity', [crossKeysValues(past[i]!.encoderKey, computedKeys)], {}, [`present.${i}.encoder.key`]);
      const crossValues = g.op('Identity', [crossKeysValues(past[i]!.encoderValue, computedValues)], {}, [`present.${i}.encoder.value`]);
      const crossAttention = g.linear(attend(g, crossQuery, crossKeys, crossValues, crossBias, H, hd), `${p}.encoder_attn.out_proj`, D, D, fanIn, true);
      const afterCross = layerNorm(g, g.op('Add', [afterSelf, crossAttention]), `${p}.encoder_attn_layer_norm`, D);
      return layerNorm(g, g.op('Add', [afterCross, feedForward(g, afterCross, p, D, t.intermediateSize)]), `${p}.final_layer_norm`, D);
    });
    for (const kind of ['decoder', 'encoder'] as const) {
      const sequence = kind === 'decoder' ? 'present_decoder_sequence_length' : 'encoder_sequence_length_out';
      g.markOutput(`present.${i}.${kind}.key`, DataType.FLOAT, ['batch_size', H, sequence, hd]);
      g.markOutput(`present.${i}.${kind}.value`, DataType.FLOAT, ['batch_size', H, sequence, hd]);
    }
  }

  // lm_head with logits of std ~2, BART's final_logits_bias, then the grammar bias by position.
  let logits = g.op('Add', [g.linear(x, 'lm_head', D, vocabSize, 2 * fanIn), g.filled('final_logits_bias', [vocabSize], 0)]);
  const classes = vocabularyClasses(tokenizer, vocabSize);
  const rows = t.maxPositionEmbeddings;
  const textByPosition = new Float32Array(rows).map((_, position) => (position % PATTERN === 1 ? 0 : SPECIAL_TOKEN_BIAS));
  const locationByPosition = new Float32Array(rows).map((_, position) => (position % PATTERN === 1 ? SPECIAL_TOKEN_BIAS : 0));
  const atQueries = (name: string, table: Float32Array) =>
    g.op('Unsqueeze', [g.op('Gather', [g.addInitializer(floatTensor(name, table, [rows])), queryPositions], { axis: 0 }), g.int64([1])]); // [S, 1]
  const textMask = g.addInitializer(floatTensor('test_model.text_tokens', classes.text, [vocabSize]));
  const locationMask = g.addInitializer(floatTensor('test_model.location_tokens', classes.location, [vocabSize]));
  const grammar = g.op('Add', [
    g.op('Mul', [atQueries('test_model.text_bias_by_position', textByPosition), textMask]),
    g.op('Mul', [atQueries('test_model.location_bias_by_position', locationByPosition), locationMask]),
  ]); // [S, V]
  logits = g.op('Add', [g.op('Add', [logits, g.addInitializer(floatTensor('test_model.logit_bias', classes.constant, [vocabSize]))]), grammar], {}, ['logits']);
  g.outputs.unshift(makeValueInfo(logits, DataType.FLOAT, ['batch_size', 'decoder_sequence_length', vocabSize]));
  return g.build(`Florence-2-format random test model (${preset.name}, seed ${seed}): BART decoder with cross-attention (merged)`);
}

interface Florence2ConfigInputs {
  preset: Preset;
  seed: number;
  tokenizer: GeneratedTokenizer;
  vocabSize: number;
}

/** The JSON files of a Florence-2-format model, by path (the keys transformers.js reads). */
export function florence2ConfigFiles({ preset, seed, tokenizer, vocabSize }: Florence2ConfigInputs): Record<string, unknown> {
  const t = preset.text;
  const imageSize = preset.vision.imageSize;
  const special = { bos_token_id: 0, pad_token_id: 1, eos_token_id: 2, decoder_start_token_id: 2 };
  const addedTokensDecoder: Record<string, unknown> = {};
  for (const token of tokenizer.addedTokens) {
    addedTokensDecoder[String(token.id)] = { content: token.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  }
  return {
    'config.json': {
      _test_model: {
        description:
          'Randomly initialised model in the Florence-2-base-ft ONNX format, generated by scripts/test-model. Its outputs are meaningless: ' +
          'a bias by decoder position makes greedy decoding write one text token then eight location tokens, repeatedly, and never stop before max_new_tokens.',
        preset: preset.name,
        seed,
      },
      architectures: ['Florence2ForConditionalGeneration'],
      model_type: 'florence2',
      is_encoder_decoder: true,
      ...special,
      projection_dim: t.hiddenSize,
      vocab_size: vocabSize,
      text_config: {
        model_type: 'florence2_language',
        is_encoder_decoder: true,
        ...special,
        forced_bos_token_id: 0,
        forced_eos_token_id: 2,
        vocab_size: vocabSize,
        d_model: t.hiddenSize,
        encoder_layers: t.numLayers,
        decoder_layers: t.numLayers,
        encoder_attention_heads: t.numHeads,
        decoder_attention_heads: t.numHeads,
        encoder_ffn_dim: t.intermediateSize,
        decoder_ffn_dim: t.intermediateSize,
        max_position_embeddings: t.maxPositionEmbeddings,
        activation_function: 'gelu',
        scale_embedding: false,
      },
      vision_config: { model_type: 'davit', projection_dim: t.hiddenSize, image_feature_source: ['spatial_avg_pool', 'temporal_avg_pool'] },
      torch_dtype: 'float32',
    },
    // As published minus the beam search and n-gram blocking transformers.js' greedy reference would apply.
    'generation_config.json': { ...special, forced_bos_token_id: 0, forced_eos_token_id: 2 },
    'preprocessor_config.json': {
      processor_class: 'Florence2Processor',
      image_processor_type: 'CLIPImageProcessor',
      do_resize: true,
      size: { height: imageSize, width: imageSize },
      do_center_crop: false,
      crop_size: { height: imageSize, width: imageSize },
      do_normalize: true,
      image_mean: [0.485, 0.456, 0.406],
      image_std: [0.229, 0.224, 0.225],
      do_rescale: true,
      rescale_factor: 1 / 255,
      resample: 3,
      image_seq_length: (imageSize / preset.vision.patchSize) ** 2 + 1,
      ...FLORENCE2_PROCESSOR_TASKS,
    },
    'tokenizer.json': tokenizer.json,
    'tokenizer_config.json': {
      add_prefix_space: false,
      added_tokens_decoder: addedTokensDecoder,
      additional_special_tokens: FLORENCE2_LOCATION_TOKENS,
      bos_token: '<s>',
      clean_up_tokenization_spaces: false,
      eos_token: '</s>',
      model_max_length: t.maxPositionEmbeddings,
      pad_token: '<pad>',
      processor_class: 'Florence2Processor',
      tokenizer_class: 'BartTokenizer',
      unk_token: '<unk>',
    },
  };
}
