/**
 * `npm run bench [-- options]`: builds the app, serves it, and measures the model on every backend
 * this machine has — (a) the app, (b) bare transformers.js, (d) the WASM copy bandwidth and (e) the
 * WASM SIMD multiply-add rate in headless Chromium, (c) onnxruntime-node in Node — then prints the
 * table and writes bench-results/latest.json and latest.md. `npm run bench:vision` times the vision
 * encoder alone per weight format, graph optimisation level and thread count (vision-sessions.ts).
 *
 *   --quick                 1 run, 32 tokens (default: 3 runs, 128 tokens)
 *   --model <id>            a model at real dimensions with random weights, generated into
 *                           bench-models/ if missing: SmolVLM-256M-random (default),
 *                           FastVLM-0.5B-random, Florence-2-base-random, Florence-2-large-random;
 *                           or a test model of any family: SmolVLM-test-tiny, FastVLM-test-tiny,
 *                           Florence-2-test-tiny (details limited to what the family offers; (c)
 *                           runs SmolVLM only)
 *   --backends <list>       wasm-1,wasm-all,webgpu (default: all this machine has, but a software
 *                           WebGPU adapter only when named: it is for correctness, and slow)
 *   --runs N --high-runs N --load-runs N --tokens N
 *   --details <list>        low,auto,high (default: all three; leave out high for a short A/B run)
 *   --webgpu-tokens N       answer length on a software WebGPU adapter (default 8; correctness only)
 *   --no-build              use the existing build in --dist
 *   --dist <dir>            build folder (default dist-bench)   --port N (default 4184; 0 = any)
 *   --out <dir>             results folder (default bench-results)
 *   --dtype <spec>          weight formats instead of the app's policy: `fp32`, or per session
 *                           `decoder_model_merged=fp32,vision_encoder=q8` (for dtype experiments)
 *   --no-native             skip (c)
 *   --no-chat-ui            skip driving the real chat page (path a as a person uses it)
 *   --no-probes             skip each path alone in a fresh browser (cold load, peak memory,
 *                           first question, detail high): for a short run of the other figures
 *   --no-instant            skip issue 12's figures (image attached N s before Enter, the same
 *                           image in a new chat, a follow-up after a long answer; app path)
 *   --note <text>           what else the machine was doing (goes into the report)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBackendResult, toMarkdown } from '../../src/bench/core/report.ts';
import { benchSettings } from '../../src/bench/core/settings.ts';
import { IMAGE_DETAILS } from '../../workers/protocol.ts';
import { type BackendResult, type BackendSpec, type BenchReport, type BenchSettings, type DetailName, type PathRuns, type SuiteOptions } from '../../src/bench/core/types.ts';
import { createStaticHandler } from '../serve.ts';
import { PRESETS } from '../test-model/presets.ts';
import { FAMILY_TRAITS } from '../../workers/models/registry.ts';
import { launch, probeCapabilities, runBrowserBackend } from './browser.ts';
import { runChatUi } from './chat-ui.ts';
import { BENCH_MODEL_ID, ensureModel, serveModelFrom } from './models.ts';
import type { NativeOptions } from './native.ts';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

const DTYPE_SUFFIX: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      model: { type: 'string', default: BENCH_MODEL_ID },
      backends: { type: 'string' },
      runs: { type: 'string' },
      'high-runs': { type: 'string' },
      'load-runs': { type: 'string' },
      tokens: { type: 'string' },
      details: { type: 'string' },
      'webgpu-tokens': { type: 'string', default: '8' },
      'no-build': { type: 'boolean', default: false },
      dist: { type: 'string', default: 'dist-bench' },
      port: { type: 'string', default: '4184' },
      out: { type: 'string', default: 'bench-results' },
      'no-native': { type: 'boolean', default: false },
      'no-chat-ui': { type: 'boolean', default: false },
      'no-instant': { type: 'boolean', default: false },
      'no-probes': { type: 'boolean', default: false },
      note: { type: 'string', default: '' },
      dtype: { type: 'string' },
    },
  });
  const int = (value: string | undefined) => (value === undefined ? undefined : Number.parseInt(value, 10));
  const overrides = Object.fromEntries(
    Object.entries({ runs: int(values.runs), highRuns: int(values['high-runs']), loadRuns: int(values['load-runs']), maxNewTokens: int(values.tokens) }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  const details = values.details?.split(',').map((detail) => detail.trim());
  if (details?.some((detail) => !(IMAGE_DETAILS as readonly string[]).includes(detail))) throw new Error(`--details takes ${IMAGE_DETAILS.join(', ')}, not "${values.details}".`);
  return { ...values, settings: benchSettings(values.quick, { ...overrides, ...(details ? { details: details as DetailName[] } : {}) }), dtype: parseDtype(values.dtype) };
}

function parseDtype(spec: string | undefined): SuiteOptions['dtype'] {
  if (!spec) return undefined;
  if (!spec.includes('=')) return spec as SuiteOptions['dtype'];
  return Object.fromEntries(spec.split(',').map((pair) => pair.split('=').map((part) => part.trim()))) as SuiteOptions['dtype'];
}

/** The app's static server, except that model files are never stored by the HTTP cache: a cold load really comes from the origin. */
async function serve(root: string, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = createStaticHandler({ root });
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/models/')) {
      const setHeader = res.setHeader.bind(res) as ServerResponse['setHeader'];
      res.setHeader = ((name: string, value: number | string | readonly string[]) =>
        setHeader(name, name.toLowerCase() === 'cache-control' ? 'no-store' : value)) as ServerResponse['setHeader'];
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`Cannot serve on port ${port} (${error.message}); pass --port 0 for any free port.`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function build(dist: string): void {
  log(`building the app into ${dist}/ (vite build)`);
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: projectRoot, stdio: 'inherit' });
  if (!existsSync(path.join(projectRoot, dist, 'bench.html'))) throw new Error(`${dist}/bench.html is missing: is bench.html in vite.config.ts build inputs?`);
}

function runNativeChild(options: NativeOptions): Promise<PathRuns> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'native.ts'), JSON.stringify(options)], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line.replace(/^\[bench\] /, ''));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`onnxruntime-node run exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as PathRuns);
    });
  });
}

/** The 1-minute load average every 5 s: how busy the machine was with other work. */
function sampleLoad(): { stop: () => BenchReport['conditions']['loadAverage'] } {
  const samples = [os.loadavg()[0]!];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5000);
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(os.loadavg()[0]!);
      return { start: samples[0]!, end: samples.at(-1)!, max: Math.max(...samples), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
    },
  };
}

function cpuModel(): string {
  const match = /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '');
  return match?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
}

async function main(): Promise<void> {
  const options = parseOptions();
  const { settings } = options;
  const started = performance.now();
  const dist = options.dist;
  const distDir = path.join(projectRoot, dist);

  const modelDir = await ensureModel(projectRoot, options.model, log);
  if (!options['no-build']) build(dist);
  else if (!existsSync(path.join(distDir, 'bench.html'))) throw new Error(`No bench build in ${dist}/; run without --no-build.`);
  const preset = Object.values(PRESETS).find((p) => p.defaultId === options.model)!;
  if (!path.resolve(modelDir).startsWith(path.join(projectRoot, 'public'))) {
    await serveModelFrom(distDir, options.model, modelDir, preset.text.maxPositionEmbeddings, preset.family);
  }
  // A family with one frame per image (FastVLM, Florence-2) offers `low` only: the others would measure the same thing again.
  const offered = FAMILY_TRAITS[preset.family].details;
  if (offered) settings.details = settings.details.filter((detail) => offered.includes(detail));
  const server = await serve(distDir, Number(options.port));
  log(`serving ${dist}/ at ${server.url}`);
  const load = sampleLoad();

  const backends: BackendResult[] = [];
  let userAgent = '';
  const probed = await Promise.all([probeCapabilities(server.url, false), probeCapabilities(server.url, true), launch(false)]).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const [wasmCaps, gpuCaps, versionProbe] = probed;
  const browserVersion = `Chromium ${versionProbe.version()}`;
  await versionProbe.close();
  try {
    const allThreads = wasmCaps.wasmThreads;
    const available: BackendSpec[] = [
      { id: 'wasm-1', device: 'wasm', threads: 1 },
      ...(allThreads > 1 ? [{ id: 'wasm-all', device: 'wasm' as const, threads: allThreads }] : []),
      ...(gpuCaps.webgpu.available ? [{ id: 'webgpu', device: 'webgpu' as const, threads: 1 }] : []),
    ];
    const wanted = options.backends?.split(',').map((s) => s.trim());
    // A software adapter (SwiftShader) only checks correctness, and with a real-dimension model one
    // question takes longer than the whole WASM run: only when asked for by name.
    const softwareGpuByDefault = !wanted && gpuCaps.webgpu.isSoftware && preset.defaultParentDir === 'bench-models';
    const specs = wanted ? available.filter((spec) => wanted.includes(spec.id)) : available.filter((spec) => !(softwareGpuByDefault && spec.device === 'webgpu'));
    if (!gpuCaps.webgpu.available) log(`WebGPU not available: ${gpuCaps.webgpu.reason}`);
    else if (softwareGpuByDefault) log('WebGPU left out: the adapter is software (SwiftShader); --backends webgpu --model SmolVLM-test-tiny checks it');

    for (const spec of specs) {
      // A software adapter (SwiftShader) runs shaders on the CPU: one fp32 frame of the real-size
      // vision encoder takes minutes, so it only checks that both paths load and agree.
      const software = spec.device === 'webgpu' && gpuCaps.webgpu.isSoftware;
      const backendSettings: BenchSettings = software
        ? { ...settings, runs: 1, highRuns: 0, loadRuns: 1, details: ['low'], maxNewTokens: Math.min(settings.maxNewTokens, Number(options['webgpu-tokens'])) }
        : settings;
      const skipDetails: { detail: DetailName; reason: string }[] = software
        ? [
            { detail: 'auto', reason: 'software WebGPU, correctness only (same single frame as low)' },
            { detail: 'high', reason: 'software WebGPU would take many minutes for 17 fp32 frames; correctness only' },
          ]
        : [];
      log(`=== ${spec.id}: ${spec.device}${spec.device === 'wasm' ? `, ${spec.threads} thread(s)` : ''} ===`);
      const run = await runBrowserBackend({
        baseUrl: server.url,
        modelId: options.model,
        spec,
        settings: backendSettings,
        skipDetails,
        probes: !software && !options['no-probes'],
        warmUp: !software,
        // Correctness only on a software adapter: not worth its minutes per question there.
        instant: !options['no-instant'] && !software,
        log,
        ...(options.dtype ? { dtype: options.dtype } : {}),
      });
      userAgent = run.suite.userAgent;
      let native: PathRuns | undefined;
      let nativeNote: string | undefined;
      if (spec.device !== 'wasm') nativeNote = '(c) onnxruntime-node: CPU only, compared on the WASM backends';
      else if (options['no-native']) nativeNote = '(c) skipped (--no-native)';
      // scripts/bench/native.ts is SmolVLM's pipeline written out against onnxruntime-node.
      else if (preset.family !== 'smolvlm') nativeNote = `(c) onnxruntime-node: not written for ${FAMILY_TRAITS[preset.family].label} yet`;
      else {
        log(`(c) onnxruntime-node, ${spec.threads} thread(s)`);
        const plans = Object.fromEntries((run.suite.runs.bare ?? run.suite.runs.app)!.prefill.map((p) => [p.detail, p.plan]));
        native = await runNativeChild({
          modelDir,
          threads: spec.threads,
          suffixes: {
            vision_encoder: DTYPE_SUFFIX[run.suite.backend.dtype['vision_encoder']!]!,
            embed_tokens: DTYPE_SUFFIX[run.suite.backend.dtype['embed_tokens']!]!,
            decoder_model_merged: DTYPE_SUFFIX[run.suite.backend.dtype['decoder_model_merged']!]!,
          },
          settings: backendSettings,
          plans,
          skipDetails: skipDetails.map((s) => s.detail),
        });
      }
      const result = buildBackendResult(run.suite, {
        ...(native ? { native } : {}),
        ...(nativeNote ? { nativeNote } : {}),
        ...(run.rendererPeakRssBytes ? { rendererPeakRssBytes: run.rendererPeakRssBytes } : {}),
      });
      if (spec.id === 'wasm-all') result.id = `wasm-${spec.threads}`;
      // The chat page runs WASM with the app's default threads: measure it once, on that backend.
      if (!options['no-chat-ui'] && spec.device === 'wasm' && spec.threads === allThreads) {
        result.chatUi = await runChatUi({ baseUrl: server.url, modelId: options.model, settings: backendSettings, log });
      }
      backends.push(result);
    }
  } finally {
    await server.close();
  }

  const report: BenchReport = {
    schema: 'vlm-bench/1',
    createdAt: new Date().toISOString(),
    model: { id: options.model, name: preset.defaultParentDir === 'bench-models' ? `${preset.name} dimensions, random weights` : options.model },
    settings,
    conditions: {
      cpu: cpuModel(),
      cores: os.cpus().length,
      memoryBytes: os.totalmem(),
      loadAverage: load.stop(),
      browser: browserVersion,
      userAgent,
      node: process.versions.node,
      onnxruntimeNode: (JSON.parse(readFileSync(path.join(projectRoot, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }).version,
      crossOriginIsolated: wasmCaps.crossOriginIsolated,
      note: options.note,
    },
    backends,
    durationMs: performance.now() - started,
  };
  const outDir = path.resolve(projectRoot, options.out);
  await mkdir(outDir, { recursive: true });
  const markdown = toMarkdown(report);
  await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(outDir, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  log(`wrote ${path.relative(projectRoot, outDir)}/latest.json and latest.md in ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
