/**
 * Completes the exported shapes-demo folder: the JSON files transformers.js reads (the same
 * writers as the generated test model, so both follow SmolVLM's layout), then the size and
 * sha256 of every file into public/models/index.json, where the app reads them to verify what
 * it loads.
 *   tsx scripts/demo-model/write-model-folder.ts --model <folder> --tokenizer <tokenizer.json> --config <model-config.json>
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  chatTemplateJson,
  generationConfig,
  modelConfig,
  preprocessorConfig,
  processorConfig,
  specialTokensMap,
  tokenizerConfig,
  type ConfigInputs,
} from '../test-model/configs.js';
import { updateModelIndex, type ModelFileEntry } from '../test-model/model-index.js';
import type { Preset } from '../test-model/presets.js';
import type { AddedToken, GeneratedTokenizer } from '../test-model/tokenizer.js';
import { BUILT_IN_MODEL as DEMO_MODEL } from '../../workers/models/registry.ts';

interface TrainedConfig {
  vision_dim: number;
  vision_layers: number;
  vision_heads: number;
  vision_mlp: number;
  text_dim: number;
  text_layers: number;
  text_heads: number;
  kv_heads: number;
  head_dim: number;
  text_mlp: number;
  vocab_size: number;
  rope_theta: number;
  rms_eps: number;
  max_positions: number;
}

/** The trained model's sizes in the test-model generator's terms (32 px cells, pixel shuffle 2: 64 tokens per frame). */
function presetOf(config: TrainedConfig): Preset {
  return {
    name: 'tiny',
    family: 'smolvlm',
    defaultId: DEMO_MODEL.id,
    defaultParentDir: 'public/models',
    vision: {
      hiddenSize: config.vision_dim,
      numLayers: config.vision_layers,
      numHeads: config.vision_heads,
      intermediateSize: config.vision_mlp,
      imageSize: 512,
      patchSize: 32,
      layerNormEps: 1e-6,
    },
    text: {
      hiddenSize: config.text_dim,
      numLayers: config.text_layers,
      numHeads: config.text_heads,
      numKeyValueHeads: config.kv_heads,
      headDim: config.head_dim,
      intermediateSize: config.text_mlp,
      maxPositionEmbeddings: config.max_positions,
      rmsNormEps: config.rms_eps,
      ropeTheta: config.rope_theta,
      vocabSize: config.vocab_size,
    },
    scaleFactor: 2,
  };
}

function tokenizerOf(json: { added_tokens: AddedToken[] }): GeneratedTokenizer {
  const specialIds = Object.fromEntries(json.added_tokens.map((token) => [token.content, token.id]));
  const size = Math.max(...json.added_tokens.map((token) => token.id)) + 1;
  return { json: json as unknown as Record<string, unknown>, size, addedTokens: json.added_tokens, specialIds, tokenBytes: [] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, tokenizer: { type: 'string' }, config: { type: 'string' } } });
  if (!values.model || !values.tokenizer || !values.config) throw new Error('usage: --model <folder> --tokenizer <tokenizer.json> --config <model-config.json>');
  const folder = path.resolve(values.model);
  const trained = JSON.parse(await readFile(values.config, 'utf8')) as TrainedConfig & { _demo_model: Record<string, unknown> };
  const tokenizerJson = JSON.parse(await readFile(values.tokenizer, 'utf8')) as { added_tokens: AddedToken[] };
  const preset = presetOf(trained);
  const tokenizer = tokenizerOf(tokenizerJson);
  const inputs: ConfigInputs = { preset, seed: 0, tokenizer, vocabSize: trained.vocab_size };

  const { _test_model: _random, ...config } = modelConfig(inputs);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(path.join(folder, 'config.json'), json({ _demo_model: trained._demo_model, ...config }));
  await writeFile(path.join(folder, 'generation_config.json'), json(generationConfig(inputs)));
  // The processor's default (high detail) would upscale to 2048 px; the model was trained on what
  // `low` and `auto` send, and its registry entry offers only those.
  await writeFile(path.join(folder, 'preprocessor_config.json'), json(preprocessorConfig(inputs)));
  await writeFile(path.join(folder, 'processor_config.json'), json(processorConfig(inputs)));
  await writeFile(path.join(folder, 'tokenizer.json'), json(tokenizerJson));
  await writeFile(path.join(folder, 'tokenizer_config.json'), json(tokenizerConfig(inputs)));
  await writeFile(path.join(folder, 'special_tokens_map.json'), json(specialTokensMap()));
  await writeFile(path.join(folder, 'chat_template.json'), json(chatTemplateJson()));

  const files: ModelFileEntry[] = [];
  for (const relPath of [...(await readdir(folder)).filter((name) => name.endsWith('.json')), ...(await readdir(path.join(folder, 'onnx'))).map((name) => `onnx/${name}`)].sort()) {
    const bytes = await readFile(path.join(folder, relPath));
    files.push({ path: relPath, size: (await stat(path.join(folder, relPath))).size, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  await updateModelIndex(path.join(path.dirname(folder), 'index.json'), {
    id: DEMO_MODEL.id,
    name: DEMO_MODEL.name,
    family: 'smolvlm',
    contextLength: trained.max_positions,
    files,
  });
  const total = files.reduce((sum, file) => sum + file.size, 0);
  console.log(`${DEMO_MODEL.id}: ${files.length} files, ${(total / 1e6).toFixed(2)} MB, listed in ${path.join(path.dirname(folder), 'index.json')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
