/**
 * What a FastVLM-format test model has that a SmolVLM one does not: its vision encoder and its
 * JSON files, mirroring onnx-community/FastVLM-0.5B-ONNX (model type `llava_qwen2`, which
 * transformers.js runs as LlavaQwen2ForCausalLM with LlavaProcessor and CLIPImageProcessor).
 * The token embeddings and the decoder are the shared builders (the decoder with Qwen2's q/k/v
 * biases); the tokenizer is the generated one, with Qwen2's chat template.
 *
 * vision_encoder.onnx, with the IO of the published export:
 *   pixel_values   float32 [batch_size, 3, height, width]
 *   -> image_features float32 [batch_size, image_sequence_length, text_hidden]
 * A stand-in for FastViTHD + its mlp2x_gelu projector: a patch convolution with kernel = stride
 * = 64 (FastViTHD's total downsampling, so a 1024 px frame gives the same 16 x 16 = 256 tokens),
 * a LayerNorm, then Linear-GELU-Linear into the decoder's width. Random weights. The real-size
 * preset (fastvlm-0.5b) replaces the patch convolution with a FastViTHD stand-in (staged-vision.ts).
 */
import { OTHER_TOKEN_BIAS, SPECIAL_TOKEN_BIAS } from './logit-bias.js';
import { GraphBuilder, parameterCount } from './graph-builder.js';
import { DataType, type ModelProto } from './onnx-proto.js';
import type { Preset } from './presets.js';
import { buildStagedTrunk } from './staged-vision.js';
import { IMAGE_TOKEN, type GeneratedTokenizer } from './tokenizer.js';

/** Qwen2-Instruct's chat template (as in the FastVLM tokenizer_config.json): a default system turn, ChatML turns. */
export const QWEN2_CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

export function buildFastVlmVisionEncoder(preset: Preset, seed: number, quantize: boolean | 'q4'): ModelProto {
  const g = new GraphBuilder({ name: 'vision_encoder', seed, quantize });
  const v = preset.vision;
  const textHidden = preset.text.hiddenSize;
  const fanIn = (n: number): number => 1 / Math.sqrt(n);
  const pixelValues = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, 'height', 'width']);

  let x: string;
  let description = 'vision encoder stand-in (patch conv + mlp2x_gelu projector)';
  let macs = 0;
  if (v.stages) {
    // Real dimensions: the FastViTHD stand-in, [B, 256, 3072] for a 1024 px frame.
    const trunk = buildStagedTrunk(g, pixelValues, v.stages, v.imageSize);
    x = trunk.tokens;
    macs = trunk.macs + trunk.side * trunk.side * (v.hiddenSize * textHidden + textHidden * textHidden);
    description = `vision encoder stand-in for ${v.stages.standsFor} + mlp2x_gelu projector`;
  } else {
    const patchW = g.weight('vision_tower.patch_embed.weight', [v.hiddenSize, 3, v.patchSize, v.patchSize], fanIn(3 * v.patchSize * v.patchSize));
    const patchB = g.weight('vision_tower.patch_embed.bias', [v.hiddenSize], 0.02);
    x = g.op('Conv', [pixelValues, patchW, patchB], { kernel_shape: [v.patchSize, v.patchSize], strides: [v.patchSize, v.patchSize] });
    // [B, C, h, w] -> [B, h*w, C]: row-major over the grid, as the projector reads FastViTHD's map.
    x = g.transpose(g.reshape(x, [0, v.hiddenSize, -1]), [0, 2, 1]);
    x = g.op('LayerNormalization', [x, g.filled('vision_tower.norm.weight', [v.hiddenSize], 1), g.weight('vision_tower.norm.bias', [v.hiddenSize], 0.02)], {
      axis: -1,
      epsilon: { f: v.layerNormEps },
    });
  }

  // mm_projector (mlp2x_gelu), GELU spelled out with erf (opset 17 has no Gelu).
  const fc1 = g.linear(x, 'mm_projector.0', v.hiddenSize, textHidden, fanIn(v.hiddenSize), true);
  const gelu = g.op('Mul', [g.op('Mul', [fc1, g.float(0.5)]), g.op('Add', [g.op('Erf', [g.op('Mul', [fc1, g.float(Math.SQRT1_2)])]), g.float(1)])]);
  const projected = g.linear(gelu, 'mm_projector.2', textHidden, textHidden, fanIn(textHidden), true);
  g.output('image_features', projected, DataType.FLOAT, ['batch_size', 'image_sequence_length', textHidden]);
  const cost = v.stages ? `, ${(parameterCount(g.initializers) / 1e6).toFixed(1)}M parameters, ${(macs / 1e9).toFixed(1)} GMACs per frame` : '';
  return g.build(`FastVLM-format random test model (${preset.name}, seed ${seed}): ${description}${cost}`);
}

interface FastVlmConfigInputs {
  preset: Preset;
  seed: number;
  tokenizer: GeneratedTokenizer;
  vocabSize: number;
}

function special(tokenizer: GeneratedTokenizer, token: string): number {
  const value = tokenizer.specialIds[token];
  if (value === undefined) throw new Error(`missing special token ${token}`);
  return value;
}

/** The JSON files of a FastVLM-format model, by path (the keys transformers.js reads). */
export function fastVlmConfigFiles({ preset, seed, tokenizer, vocabSize }: FastVlmConfigInputs): Record<string, unknown> {
  const t = preset.text;
  const imageSize = preset.vision.imageSize;
  const addedTokensDecoder: Record<string, unknown> = {};
  for (const token of tokenizer.addedTokens) {
    addedTokensDecoder[String(token.id)] = { content: token.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  }
  return {
    'config.json': {
      _test_model: {
        description:
          'Randomly initialised model in the FastVLM-0.5B-ONNX format, generated by scripts/test-model. Its outputs are meaningless. ' +
          `The decoder adds a constant logit bias (readable ASCII tokens 0, other tokens ${OTHER_TOKEN_BIAS}, special tokens ${SPECIAL_TOKEN_BIAS}), ` +
          'so greedy decoding prints letter soup and never stops before max_new_tokens.',
        preset: preset.name,
        seed,
      },
      architectures: ['LlavaQwen2ForCausalLM'],
      model_type: 'llava_qwen2',
      image_token_index: special(tokenizer, IMAGE_TOKEN),
      bos_token_id: special(tokenizer, '<|endoftext|>'),
      eos_token_id: special(tokenizer, '<|im_end|>'),
      hidden_act: 'silu',
      hidden_size: t.hiddenSize,
      head_dim: t.headDim,
      intermediate_size: t.intermediateSize,
      max_position_embeddings: t.maxPositionEmbeddings,
      num_attention_heads: t.numHeads,
      num_hidden_layers: t.numLayers,
      num_key_value_heads: t.numKeyValueHeads,
      rms_norm_eps: t.rmsNormEps,
      rope_theta: t.ropeTheta,
      tie_word_embeddings: false,
      vocab_size: vocabSize,
      mm_hidden_size: preset.vision.hiddenSize,
      mm_projector_type: 'mlp2x_gelu',
      mm_vision_tower: `mobileclip_l_${imageSize}`,
      image_aspect_ratio: 'pad',
      torch_dtype: 'float32',
      use_cache: true,
      'transformers.js_config': { kv_cache_dtype: { q4f16: 'float16', fp16: 'float16' } },
    },
    'generation_config.json': { bos_token_id: special(tokenizer, '<|endoftext|>'), eos_token_id: special(tokenizer, '<|im_end|>') },
    'preprocessor_config.json': {
      crop_size: { height: imageSize, width: imageSize },
      do_center_crop: true,
      do_convert_rgb: true,
      do_normalize: true,
      do_rescale: true,
      do_resize: true,
      image_mean: [0, 0, 0],
      image_processor_type: 'CLIPImageProcessor',
      image_std: [1, 1, 1],
      // AutoProcessor reads the processor class from here: without it, no tokenizer.
      processor_class: 'LlavaProcessor',
      resample: 3,
      rescale_factor: 1 / 255,
      size: { shortest_edge: imageSize },
    },
    'processor_config.json': { image_token: IMAGE_TOKEN, num_additional_image_tokens: 0, patch_size: preset.vision.patchSize, processor_class: 'LlavaProcessor' },
    'tokenizer.json': tokenizer.json,
    'tokenizer_config.json': {
      add_prefix_space: false,
      added_tokens_decoder: addedTokensDecoder,
      additional_special_tokens: [IMAGE_TOKEN],
      bos_token: null,
      chat_template: QWEN2_CHAT_TEMPLATE,
      clean_up_tokenization_spaces: false,
      eos_token: '<|im_end|>',
      errors: 'replace',
      model_max_length: t.maxPositionEmbeddings,
      pad_token: '<|endoftext|>',
      processor_class: 'LlavaProcessor',
      split_special_tokens: false,
      tokenizer_class: 'Qwen2Tokenizer',
      unk_token: null,
    },
    'special_tokens_map.json': { additional_special_tokens: [IMAGE_TOKEN], eos_token: '<|im_end|>', pad_token: '<|endoftext|>' },
  };
}

