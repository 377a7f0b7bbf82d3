/**
 * The models the benchmark serves: the real-dimension random models (one per family) are generated on demand into
 * bench-models/ (ignored by git) and linked into the build folder under /models/<id>/ with an
 * entry in that folder's models/index.json (sizes and sha256, as the app verifies them). Nothing
 * here touches public/.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateTestModel, type Dtype } from '../test-model/generate.ts';
import { PRESETS, type PresetFamily, type PresetName } from '../test-model/presets.ts';

export const BENCH_MODEL_ID = PRESETS['smolvlm-256m'].defaultId;
export const TINY_MODEL_ID = PRESETS.tiny.defaultId;

interface FileEntry {
  path: string;
  size: number;
  sha256: string;
}

/** Where a model's files live, generating a bench model (bench-models/) if it is missing. */
export async function ensureModel(projectRoot: string, modelId: string, log: (message: string) => void): Promise<string> {
  const preset = (Object.keys(PRESETS) as PresetName[]).find((name) => PRESETS[name].defaultId === modelId);
  if (!preset) throw new Error(`Unknown benchmark model ${modelId}; use one of ${Object.values(PRESETS).map((p) => p.defaultId).join(', ')}.`);
  const dir = path.join(projectRoot, PRESETS[preset].defaultParentDir, modelId);
  // A bench model comes in the formats the dtype policy picks from on this machine's backends: fp32
  // and q8 (WASM's first choice for every session); SmolVLM-256M in q4 too (its dtype experiments,
  // docs/performance.md change 3). The larger families skip q4 (WebGPU without shader-f16 falls
  // back to fp32), which would add ~0.4 GB and a minute of generation for no figure measured here.
  // The test models the app serves (public/models) are fp32 only.
  const dtypes: Dtype[] = PRESETS[preset].defaultParentDir === 'public/models' ? ['fp32'] : preset === 'smolvlm-256m' ? ['fp32', 'q8', 'q4'] : ['fp32', 'q8'];
  const suffix: Record<Dtype, string> = { fp32: '', q8: '_quantized', q4: '_q4' };
  const needed = ['config.json', ...dtypes.map((dtype) => `onnx/decoder_model_merged${suffix[dtype]}.onnx`)];
  if (needed.every((file) => existsSync(path.join(dir, file)))) return dir;
  log(`Generating ${modelId} (preset ${preset}, ${dtypes.join(', ')}) into ${path.relative(projectRoot, dir)}/ …`);
  await generateTestModel({ preset, projectRoot, dtypes, log });
  return dir;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file of a model folder with size and sha256; digests are remembered next to the files. */
async function listFiles(dir: string): Promise<FileEntry[]> {
  const memo = path.join(dir, '.bench-digests.json');
  const known: Record<string, { size: number; mtimeMs: number; sha256: string }> = existsSync(memo) ? JSON.parse(await readFile(memo, 'utf8')) : {};
  const files: FileEntry[] = [];
  const walk = async (sub: string) => {
    for (const item of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub ? `${sub}/${item.name}` : item.name;
      if (item.isDirectory()) await walk(relative);
      else if (!item.name.startsWith('.')) {
        const info = await stat(path.join(dir, relative));
        const cached = known[relative];
        const sha256 = cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs ? cached.sha256 : await sha256File(path.join(dir, relative));
        known[relative] = { size: info.size, mtimeMs: info.mtimeMs, sha256 };
        files.push({ path: relative, size: info.size, sha256 });
      }
    }
  };
  await walk('');
  await writeFile(memo, JSON.stringify(known, null, 2));
  return files;
}

/** Links the model into `<dist>/models/<id>` and lists it in `<dist>/models/index.json`. */
export async function serveModelFrom(distDir: string, modelId: string, modelDir: string, contextLength: number, family: PresetFamily = 'smolvlm'): Promise<void> {
  const modelsDir = path.join(distDir, 'models');
  await mkdir(modelsDir, { recursive: true });
  const link = path.join(modelsDir, modelId);
  const existing = await lstat(link).catch(() => null);
  if (existing?.isSymbolicLink() || (existing && path.resolve(modelDir) !== path.resolve(link))) await rm(link, { recursive: true, force: true });
  if (!existsSync(link)) await symlink(path.relative(modelsDir, modelDir), link, 'dir');

  const indexPath = path.join(modelsDir, 'index.json');
  const index = existsSync(indexPath) ? (JSON.parse(await readFile(indexPath, 'utf8')) as { models: { id: string }[] }) : { models: [] };
  const entry = {
    id: modelId,
    name: modelId === BENCH_MODEL_ID ? 'SmolVLM 256M dimensions, random weights (benchmark)' : `${modelId} (benchmark)`,
    family,
    contextLength,
    files: await listFiles(modelDir),
  };
  index.models = [...index.models.filter((model) => model.id !== modelId), entry];
  await writeFile(indexPath, `${JSON.stringify(index, null, 2)}\n`);
}
