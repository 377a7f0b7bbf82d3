/**
 * `npm run bench:vision [-- options]`: the vision encoder alone in headless Chromium (ONNX Runtime
 * Web, WASM, our runtime files), one frame of the 512 px benchmark image at a time, under each
 * setting issue 12 asks about: weight format, graph optimisation level, thread count. Prints a table
 * with ms per frame, the GFLOP/s that is (FLOPs from config.json) and how close each variant's
 * features are to fp32's; writes <out>/vision-sessions.json. Uses an existing bench build.
 *
 *   --dist <dir>          build folder (default dist-bench; build it with `npm run bench` or vite build)
 *   --model <id>          default SmolVLM-256M-random (generated if missing)
 *   --threads <list>      default 1 and all cores
 *   --variants <list>     dtype:level pairs, default fp32:all,q8:all,q8:extended,q8:basic,q4:all
 *                         (the first is the reference the others' features are compared with)
 *   --runs N              timed frames per variant (default 3), after --warm-ups N (default 1)
 *   --port N (default 0)  --out <dir> (default bench-results)
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '../../src/bench/core/driver-api.ts';
import { median } from '../../src/bench/core/stats.ts';
import type { VisionSessionResult, VisionSessionVariant } from '../../src/bench/core/types.ts';
import { visionConfigFromJson, visionFlopsPerFrame } from '../../src/bench/core/vision-flops.ts';
import type { Dtype } from '../../workers/protocol.ts';
import { startStaticServer } from '../serve.ts';
import { PRESETS } from '../test-model/presets.ts';
import { launch } from './browser.ts';
import { BENCH_MODEL_ID, ensureModel, serveModelFrom } from './models.ts';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const log = (message: string) => console.log(`[bench:vision ${new Date().toISOString().slice(11, 19)}] ${message}`);
const LEVELS: readonly VisionSessionVariant['graphOptimizationLevel'][] = ['disabled', 'basic', 'extended', 'all'];

function parseVariants(spec: string): VisionSessionVariant[] {
  return spec.split(',').map((pair) => {
    const [dtype, level = 'all'] = pair.trim().split(':');
    if (!LEVELS.includes(level as VisionSessionVariant['graphOptimizationLevel'])) throw new Error(`Graph optimisation level "${level}" is not one of ${LEVELS.join(', ')}.`);
    return { dtype: dtype as Dtype, graphOptimizationLevel: level as VisionSessionVariant['graphOptimizationLevel'] };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dist: { type: 'string', default: 'dist-bench' },
      model: { type: 'string', default: BENCH_MODEL_ID },
      threads: { type: 'string' },
      variants: { type: 'string', default: 'fp32:all,q8:all,q8:extended,q8:basic,q4:all' },
      runs: { type: 'string', default: '3' },
      'warm-ups': { type: 'string', default: '1' },
      port: { type: 'string', default: '0' },
      out: { type: 'string', default: 'bench-results' },
    },
  });
  const distDir = path.join(projectRoot, values.dist);
  if (!existsSync(path.join(distDir, 'bench.html'))) throw new Error(`No bench build in ${values.dist}/; run \`npm run bench\` (or vite build --outDir ${values.dist}) first.`);
  const modelDir = await ensureModel(projectRoot, values.model, log);
  const preset = Object.values(PRESETS).find((p) => p.defaultId === values.model)!;
  if (!path.resolve(modelDir).startsWith(path.join(projectRoot, 'public'))) await serveModelFrom(distDir, values.model, modelDir, preset.text.maxPositionEmbeddings, preset.family);
  const config = visionConfigFromJson(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')));
  if (!config) throw new Error(`${values.model} has no SigLIP vision tower to count.`);
  const flops = visionFlopsPerFrame(config);
  const threads = values.threads ? values.threads.split(',').map(Number) : [...new Set([1, os.cpus().length])];
  const variants = parseVariants(values.variants);

  const server = await startStaticServer({ root: distDir, port: Number(values.port) });
  const browser = await launch(false);
  const load = [os.loadavg()[0]!];
  let results: VisionSessionResult[];
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith('[bench] ')) log(message.text().slice(8));
    });
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`${server.url}/bench.html`);
    await page.locator('main.bench[data-ready]').waitFor({ timeout: 120_000 });
    results = await page.evaluate(
      (options) => window.vlmBench.visionSessions(options),
      { modelId: values.model, imageSize: config.imageSize, threads, variants, warmUps: Number(values['warm-ups']), runs: Number(values.runs) },
    );
  } finally {
    await browser.close();
    await server.close();
  }
  load.push(os.loadavg()[0]!);

  const rows = results.map((r) => {
    const ms = median(r.frameMs);
    return `| ${r.threads} | ${r.dtype} | ${r.graphOptimizationLevel} | ${Math.round(r.createMs)} | ${Math.round(ms)} (${Math.round(Math.min(...r.frameMs))}–${Math.round(Math.max(...r.frameMs))}) | ${(flops.total / (ms / 1000) / 1e9).toFixed(1)} | ${r.cosineToReference.toFixed(5)} | ${r.maxAbsDiffToReference.toPrecision(3)} |`;
  });
  const markdown = [
    `Vision encoder alone, ${values.model}, one ${config.imageSize} px frame (${(flops.total / 1e9).toFixed(1)} GFLOP), ${new Date().toISOString()}, load average ${load.map((l) => l.toFixed(1)).join(' → ')}`,
    '',
    '| Threads | Vision dtype | Graph optimisation | Session create ms | ms per frame median (min–max) | GFLOP/s | Cosine to the first variant | Max abs diff |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  console.log(`\n${markdown}\n`);
  const outDir = path.resolve(projectRoot, values.out);
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'vision-sessions.json'), `${JSON.stringify({ createdAt: new Date().toISOString(), model: values.model, flops, loadAverage: load, results }, null, 2)}\n`);
  await writeFile(path.join(outDir, 'vision-sessions.md'), `${markdown}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
