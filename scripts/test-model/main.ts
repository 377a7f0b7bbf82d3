/**
 * CLI: npx tsx scripts/test-model/main.ts [--out <folder>] [--preset tiny|smolvlm-256m|fastvlm-tiny]
 *        [--seed N] [--id <model id>] [--dtypes fp32,q8,q4]
 * Writes a random, deterministic model in a published ONNX format (SmolVLM-256M-Instruct's or
 * FastVLM-0.5B-ONNX's). Without --preset it writes every model the app serves for tests
 * (SERVED_PRESETS) into public/models and lists them in public/models/index.json.
 */
import { parseArgs } from 'node:util';
import { formatBytes } from '../../workers/format-bytes.ts';
import { DEFAULT_SEED, generateTestModel, type Dtype } from './generate.js';
import { PRESETS, SERVED_PRESETS, type PresetName } from './presets.js';

function isPresetName(value: string): value is PresetName {
  return Object.hasOwn(PRESETS, value);
}

function isDtype(value: string): value is Dtype {
  return value === 'fp32' || value === 'q8' || value === 'q4';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      preset: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      id: { type: 'string' },
      dtypes: { type: 'string', default: 'fp32' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      `Usage: tsx scripts/test-model/main.ts [--out <folder>] [--preset ${Object.keys(PRESETS).join('|')}] [--seed N] [--id <model id>] [--dtypes fp32,q8,q4]`,
    );
    return;
  }
  const preset = values.preset;
  if (preset !== undefined && !isPresetName(preset)) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  if (preset === undefined && (values.out !== undefined || values.id !== undefined)) {
    throw new Error('--out and --id name one model: give --preset with them.');
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('--seed must be an integer in [0, 2^32)');
  const dtypes = values.dtypes.split(',').map((d) => d.trim());
  const badDtype = dtypes.find((d) => !isDtype(d));
  if (badDtype !== undefined) throw new Error(`unsupported dtype ${badDtype} (use fp32, q8, q4)`);

  for (const name of preset === undefined ? SERVED_PRESETS : [preset]) {
    const result = await generateTestModel({
      preset: name,
      seed,
      id: values.id,
      outDir: values.out,
      dtypes: dtypes.filter(isDtype),
      log: (message) => console.log(message),
    });
    const total = result.files.reduce((sum, f) => sum + f.size, 0);
    console.log(
      `Wrote ${result.files.length} files (${formatBytes(total)}) to ${result.outDir} in ${result.seconds.toFixed(1)} s` +
        (result.indexPath ? `; updated ${result.indexPath}` : ''),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
