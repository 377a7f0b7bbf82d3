/**
 * Writes a complete model folder in a published format (SmolVLM or FastVLM: ONNX graphs,
 * configs, tokenizer) and, when the folder is under public/models, its entry in
 * public/models/index.json. Used by main.ts (CLI) and by the tests.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../workers/format-bytes.ts';
import {
  chatTemplateJson,
  generationConfig,
  modelConfig,
  preprocessorConfig,
  processorConfig,
  specialTokensMap,
  tokenizerConfig,
  type ConfigInputs,
} from './configs.js';
import { buildDecoder } from './decoder.js';
import { buildEmbedTokens } from './embed-tokens.js';
import { buildFastVlmVisionEncoder, fastVlmConfigFiles } from './fastvlm.js';
import { buildFlorence2Decoder, buildFlorence2Encoder, buildFlorence2VisionEncoder, florence2ConfigFiles, FLORENCE2_TOKENIZER_LAYOUT } from './florence2.js';
import { updateModelIndex, type ModelFileEntry } from './model-index.js';
import { encodeModel, type ModelProto } from './onnx-proto.js';
import { PRESETS, type PresetName } from './presets.js';
import { buildTokenizer } from './tokenizer.js';
import { buildVisionEncoder } from './vision-encoder.js';

export type Dtype = 'fp32' | 'q8' | 'q4';
/** File-name suffix per dtype, as transformers.js maps them (q8 -> _quantized). */
const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', q8: '_quantized', q4: '_q4' };
/** The builders' weight format per dtype. */
const QUANTIZE: Record<Dtype, boolean | 'q4'> = { fp32: false, q8: true, q4: 'q4' };

export const DEFAULT_SEED = 42;

export interface GenerateOptions {
  preset?: PresetName;
  seed?: number;
  /** Model id (folder name and index.json id). */
  id?: string;
  /** Output folder; default <projectRoot>/<preset.defaultParentDir>/<id>. */
  outDir?: string;
  dtypes?: Dtype[];
  /** Project root for default paths and public/models/index.json; default cwd. */
  projectRoot?: string;
  log?: (message: string) => void;
}

export interface GenerateResult {
  id: string;
  outDir: string;
  files: ModelFileEntry[];
  /** Path of the index.json that was updated, if any. */
  indexPath: string | null;
  seconds: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function generateTestModel(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const preset = PRESETS[options.preset ?? 'tiny'];
  if (!preset) throw new Error(`unknown preset ${options.preset}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const id = options.id ?? preset.defaultId;
  const projectRoot = path.resolve(options.projectRoot ?? process.cwd());
  const outDir = path.resolve(options.outDir ?? path.join(projectRoot, preset.defaultParentDir, id));
  const dtypes: Dtype[] = options.dtypes ?? ['fp32'];
  const log = options.log ?? ((): void => {});

  const tokenizer = buildTokenizer(preset.family === 'florence2' ? FLORENCE2_TOKENIZER_LAYOUT : undefined);
  const vocabSize = preset.text.vocabSize ?? tokenizer.size;
  if (vocabSize < tokenizer.size) throw new Error(`vocab ${vocabSize} smaller than tokenizer (${tokenizer.size})`);
  const inputs: ConfigInputs = { preset, seed, tokenizer, vocabSize };

  await mkdir(path.join(outDir, 'onnx'), { recursive: true });
  const files: ModelFileEntry[] = [];
  const write = async (relPath: string, bytes: Uint8Array): Promise<void> => {
    await writeFile(path.join(outDir, relPath), bytes);
    files.push({ path: relPath, size: bytes.byteLength, sha256: sha256(bytes) });
  };

  // One graph at a time: build, encode, write, drop (the 256m decoder alone is ~0.5 GB).
  const graphs: Array<[string, (quantize: boolean | 'q4') => ModelProto]> =
    preset.family === 'florence2'
      ? [
          ['vision_encoder', (q) => buildFlorence2VisionEncoder(preset, seed, q)],
          ['embed_tokens', (q) => buildEmbedTokens(preset, vocabSize, seed, q)],
          ['encoder_model', (q) => buildFlorence2Encoder(preset, seed, q)],
          ['decoder_model_merged', (q) => buildFlorence2Decoder(preset, vocabSize, tokenizer, seed, q)],
        ]
      : [
          ['vision_encoder', (q) => (preset.family === 'fastvlm' ? buildFastVlmVisionEncoder(preset, seed, q) : buildVisionEncoder(preset, seed, q))],
          ['embed_tokens', (q) => buildEmbedTokens(preset, vocabSize, seed, q)],
          ['decoder_model_merged', (q) => buildDecoder(preset, vocabSize, tokenizer.tokenBytes, seed, q)],
        ];
  for (const dtype of dtypes) {
    for (const [name, build] of graphs) {
      const t0 = performance.now();
      const bytes = encodeModel(build(QUANTIZE[dtype]));
      const file = `onnx/${name}${DTYPE_SUFFIX[dtype]}.onnx`;
      await write(file, bytes);
      log(`${file}: ${formatBytes(bytes.byteLength)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }

  const json = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const configFiles: Record<string, unknown> =
    preset.family === 'fastvlm'
      ? fastVlmConfigFiles(inputs)
      : preset.family === 'florence2'
        ? florence2ConfigFiles(inputs)
        : {
          'config.json': modelConfig(inputs),
          'generation_config.json': generationConfig(inputs),
          'preprocessor_config.json': preprocessorConfig(inputs),
          'processor_config.json': processorConfig(inputs),
          'tokenizer.json': tokenizer.json,
          'tokenizer_config.json': tokenizerConfig(inputs),
          'special_tokens_map.json': specialTokensMap(),
          'chat_template.json': chatTemplateJson(),
        };
  for (const [file, value] of Object.entries(configFiles)) await write(file, json(value));

  // Only models served by the app (public/models/<id>) belong in its index.
  const modelsDir = path.join(projectRoot, 'public', 'models');
  let indexPath: string | null = null;
  if (path.dirname(outDir) === modelsDir) {
    indexPath = path.join(modelsDir, 'index.json');
    await updateModelIndex(indexPath, {
      id,
      name: `${{ smolvlm: 'SmolVLM', fastvlm: 'FastVLM', florence2: 'Florence-2' }[preset.family]} random test model (${preset.name}, seed ${seed})`,
      family: preset.family,
      contextLength: preset.text.maxPositionEmbeddings,
      files,
    });
  }
  return { id, outDir, files, indexPath, seconds: (performance.now() - started) / 1000 };
}
