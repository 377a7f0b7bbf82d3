/**
 * The browser half of the benchmark, shared by `npm run bench` (through `window.vlmBench`) and the
 * "Benchmark this device" page: loads the model on the app path (a) and in a bare transformers.js
 * worker (b), warms both up, then alternates them run by run (so a busy machine slows both alike)
 * over the image details and a greedy answer, and measures WASM copy bandwidth for the bound (d).
 */
import type { VlmBridge } from '../bridge/vlm-bridge.ts';
import { planImage } from '../../workers/models/image-detail.ts';
import { onnxFilePath } from '../../workers/models/registry.ts';
import type { DtypeMap, ModelEntry } from '../../workers/protocol.ts';
import { measureCopyBandwidth } from './bandwidth/index.ts';
import { measureComputeRate } from './compute/index.ts';
import { visionConfigFromJson, type VisionEncoderConfig } from './core/vision-flops.ts';
import { modelFileUrl } from '../../workers/models/model-location.ts';
import { emptyRuns } from './core/report.ts';
import { WARMUP_TOKENS } from './core/settings.ts';
import { benchImageRgb } from './core/test-image.ts';
import type {
  BenchSettings,
  BrowserPath,
  DetailName,
  DetailPlan,
  LoadTimingOptions,
  PathRuns,
  PrefillRun,
  ProbeOptions,
  ProbeResult,
  Responsiveness,
  SuiteOptions,
  SuiteResult,
  InstantRuns,
} from './core/types.ts';
import { MemorySampler } from './memory.ts';
import { measureInstant } from './paths/instant.ts';
import { appDriver, bareDriver, type DriverContext, type PathDriver, type Streaming } from './paths/drivers.ts';
import type { StreamView } from './paths/stream-view.ts';

export type Log = (message: string) => void;

/** The benchmark image as a person's PNG file (`variant`: see benchImageRgb). */
export async function benchImagePng(size: number, variant = 0): Promise<Blob> {
  const rgb = benchImageRgb(size, variant);
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i]!;
    rgba[j + 1] = rgb[i + 1]!;
    rgba[j + 2] = rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  const canvas = new OffscreenCanvas(size, size);
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

async function findEntry(bridge: VlmBridge, modelId: string): Promise<ModelEntry> {
  const entry = (await bridge.listModels()).find((candidate) => candidate.id === modelId);
  if (!entry) throw new Error(`Unknown model ${modelId}.`);
  return entry;
}

function detailPlans(settings: BenchSettings, device: 'wasm' | 'webgpu', entry: ModelEntry): Record<DetailName, DetailPlan> {
  return Object.fromEntries(
    settings.details.map((detail) => {
      const plan = planImage(settings.imageSize, settings.imageSize, detail, device, entry.geometry);
      return [detail, { longestEdge: plan.longestEdge, split: plan.split, frames: plan.frames, imageTokens: plan.imageTokens }];
    }),
  ) as Record<DetailName, DetailPlan>;
}

async function driverContext(bridge: VlmBridge, options: { modelId: string; device: 'wasm' | 'webgpu'; threads: number; settings: BenchSettings }, view: StreamView): Promise<DriverContext> {
  return {
    bridge,
    entry: await findEntry(bridge, options.modelId),
    device: options.device,
    threads: options.threads,
    prompt: options.settings.prompt,
    view,
  };
}

const pathLabel = (path: BrowserPath) => (path === 'app' ? '(a)' : '(b)');

/** Image variants handed out in this page: every question gets bytes no earlier question had. */
let imageVariant = 0;
const freshImage = (settings: BenchSettings) => benchImagePng(settings.imageSize, ++imageVariant);

export async function runSuite(bridge: VlmBridge, options: SuiteOptions, view: StreamView, log: Log): Promise<SuiteResult> {
  const { settings, device, threads } = options;
  const context = await driverContext(bridge, options, view);
  const { entry } = context;
  const caps = await bridge.capabilities();
  const runs: Partial<Record<BrowserPath, PathRuns>> = {};
  const skipped: string[] = [];
  // ONNX Runtime's pthreads block in Atomics.wait and never answer a memory measurement (each
  // one then waits for Chromium's 60 s timeout), so heaps are sampled only without them.
  const sampler = threads === 1 ? new MemorySampler() : null;
  sampler?.start();
  const drivers: PathDriver[] = [];
  try {
    log(`(a) loading ${entry.name} on ${device}${device === 'wasm' ? ` with ${threads} thread(s)` : ''}`);
    const app = appDriver(context, options.dtype);
    drivers.push(app);
    const appLoad = await app.load();
    const dtype = appLoad.dtype;
    runs.app = emptyRuns();
    if (options.firstLoad !== 'skip') runs.app.loads[options.firstLoad === 'cold' ? 'coldMs' : 'warmMs'].push(appLoad.ms);
    runs.app.notes.push(`${device}, ${appLoad.wasmThreads} WASM thread(s); TTFT and token times on the page, as pieces reach the DOM`);
    if (options.paths.includes('bare')) {
      log('(b) loading the same files in a bare transformers.js worker');
      const bare = bareDriver(context, dtype);
      drivers.push(bare);
      const bareLoad = await bare.load();
      runs.bare = emptyRuns();
      if (options.firstLoad !== 'skip') runs.bare.loads[options.firstLoad === 'cold' ? 'coldMs' : 'warmMs'].push(bareLoad.ms);
      runs.bare.notes.push('model.generate() with a streamer; times inside its worker');
    }

    const plans = detailPlans(settings, device, entry);
    const streaming: Streaming[] = [];
    if (options.warmUp !== false) log(`warm-up: ${WARMUP_TOKENS} tokens on each path`);
    for (const driver of options.warmUp !== false ? drivers : []) {
      const warmUp = await driver.ask('low', plans.low, WARMUP_TOKENS, await freshImage(settings));
      runs[driver.path]!.firstQuestionTtftMs = [warmUp.prefill.timeToFirstTokenMs];
    }

    const skip = new Map((options.skipDetails ?? []).map((s) => [s.detail, s.reason]));
    for (const [detail, reason] of skip) skipped.push(`detail ${detail}: ${reason}`);
    for (let run = 0; run < settings.runs; run++) {
      for (const detail of settings.details) {
        // With probes (the driver), the first high-detail sample of each path came from its probe.
        const highRunsHere = settings.highRuns - (options.highFromProbes ? 1 : 0);
        if (skip.has(detail) || (detail === 'high' && run >= highRunsHere)) continue;
        // `low` carries the long greedy answer (decode figures); the others stop at the first token.
        const maxNewTokens = detail === 'low' ? settings.maxNewTokens : 1;
        // New bytes for each question (the app would otherwise find its features), the same for both paths.
        const image = await freshImage(settings);
        // The order alternates run by run, so neither path always goes first (report.ts pairs
        // each run of (a) with the run of (b) beside it).
        for (const driver of run % 2 === 0 ? drivers : [...drivers].reverse()) {
          log(`run ${run + 1}/${settings.runs}: ${pathLabel(driver.path)} detail ${detail} (${plans[detail].imageTokens} image tokens), ${maxNewTokens} token(s)`);
          const answer = await driver.ask(detail, plans[detail], maxNewTokens, image);
          const own = runs[driver.path]!;
          own.prefill.push(answer.prefill);
          if (maxNewTokens > 1) {
            own.decode.push(answer.decode);
            if (answer.streaming) {
              streaming.push(answer.streaming);
              if (answer.streaming.pieces !== answer.decode.tokenIds.length) {
                own.notes.push(`${answer.streaming.pieces} pieces for ${answer.decode.tokenIds.length} tokens in one run`);
              }
            }
          }
        }
      }
    }

    let instant: InstantRuns | undefined;
    if (options.instant) {
      instant = await measureInstant({
        bridge,
        prompt: settings.prompt,
        details: settings.details.filter((detail) => detail !== 'high' && !skip.has(detail)),
        runs: settings.runs,
        freshImage: () => freshImage(settings),
        log,
      });
    }

    let bandwidth: SuiteResult['bandwidth'] = null;
    let compute: SuiteResult['compute'] = null;
    if (options.bandwidth && device === 'wasm') {
      log(`(d) WASM copy bandwidth on ${threads} thread(s)`);
      bandwidth = await measureCopyBandwidth({ threads, repetitions: settings.quick ? 3 : 6 });
      log(`(e) WASM SIMD multiply-add rate on ${threads} thread(s)`);
      compute = await measureComputeRate({ threads, repetitions: settings.quick ? 3 : 5 });
    }

    await sampler?.stop();
    for (const driver of drivers) {
      const memory = runs[driver.path]!.memory;
      const heap = sampler?.peak(driver.path);
      if (heap !== undefined) memory.peakWorkerHeapBytes = heap;
      const wasm = await driver.wasmMemoryBytes();
      if (wasm !== undefined) memory.peakWasmBytes = wasm;
    }
    const adapter = caps.webgpu.adapter;
    const adapterName = adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') : undefined;
    const caveat =
      device !== 'webgpu' || !caps.webgpu.isSoftware
        ? undefined
        : /swiftshader/i.test(adapterName ?? '')
          ? 'SwiftShader: correctness only'
          : 'software adapter: correctness only';
    const decoderFile = entry.files.find((file) => file.path === onnxFilePath('decoder_model_merged', dtype.decoder_model_merged));
    return {
      backend: {
        id: device === 'wasm' ? `wasm-${threads}` : 'webgpu',
        device,
        threads: device === 'wasm' ? appLoad.wasmThreads : 0,
        dtype: { ...dtype },
        ...(device === 'webgpu' && adapterName ? { adapter: adapterName } : {}),
        ...(caveat ? { caveat } : {}),
      },
      model: {
        id: entry.id,
        name: entry.name,
        decoderWeightBytes: decoderFile?.size ?? Number.NaN,
        kvBytesPerPosition: drivers.map((driver) => driver.kvBytesPerPosition()).find((kv) => kv !== null) ?? null,
      },
      runs,
      bandwidth,
      compute,
      visionConfig: await fetchVisionConfig(entry),
      responsiveness: summarizeStreaming(streaming),
      ...(instant ? { instant } : {}),
      skipped,
      crossOriginIsolated,
      userAgent: navigator.userAgent,
      cores: navigator.hardwareConcurrency || 1,
    };
  } finally {
    await sampler?.stop();
    for (const driver of drivers) await driver.dispose();
  }
}

/** The model's vision-tower dimensions (for its FLOPs per frame), or null when it has none we can count. */
async function fetchVisionConfig(entry: ModelEntry): Promise<VisionEncoderConfig | null> {
  try {
    const response = await fetch(modelFileUrl(entry, 'config.json', location.origin));
    return response.ok ? visionConfigFromJson(await response.json()) : null;
  } catch {
    return null;
  }
}

function summarizeStreaming(streaming: Streaming[]): Responsiveness | null {
  if (streaming.length === 0) return null;
  return {
    streamingMs: streaming.reduce((sum, r) => sum + (r.to - r.from), 0),
    longestTaskMs: Math.max(...streaming.map((r) => r.longestTaskMs)),
    tasksOver50Ms: streaming.reduce((sum, r) => sum + r.tasksOver50Ms, 0),
    piecesReceived: streaming.reduce((sum, r) => sum + r.pieces, 0),
    domUpdates: streaming.reduce((sum, r) => sum + r.domUpdates, 0),
  };
}

/** Loads each path `count` times, each in a fresh worker, and returns the times (ms). */
export async function measureLoads(bridge: VlmBridge, options: LoadTimingOptions, view: StreamView, log: Log): Promise<Record<BrowserPath, number[]>> {
  const context = await driverContext(bridge, { ...options, settings: { imageSize: 16, prompt: '' } as BenchSettings }, view);
  const times: Record<BrowserPath, number[]> = { app: [], bare: [] };
  let dtype = options.dtype;
  for (let i = 0; i < options.count; i++) {
    // Alternate which path loads first: the first load in a page also compiles ONNX Runtime's WASM.
    for (const path of i % 2 === 0 ? options.paths : [...options.paths].reverse()) {
      log(`${pathLabel(path)} load ${i + 1}/${options.count}`);
      if (path === 'bare' && (!dtype || typeof dtype === 'string')) throw new Error('The bare path needs the dtype map the app chose.');
      const driver = path === 'app' ? appDriver(context, dtype) : bareDriver(context, dtype as DtypeMap);
      try {
        const loaded = await driver.load();
        times[path].push(loaded.ms);
        dtype = loaded.dtype;
      } finally {
        await driver.dispose();
      }
    }
  }
  return times;
}

/**
 * One path alone in a fresh browser: its cold load, the first question after loading (shaders and
 * kernels still cold), and the heaviest question (detail high), whose peak memory the driver reads
 * from the renderer process. The high-detail figures of a run come from here, so the slowest
 * question runs once per path rather than again in the suite.
 */
export async function probePath(bridge: VlmBridge, options: ProbeOptions, view: StreamView, log: Log): Promise<ProbeResult> {
  const context = await driverContext(bridge, options, view);
  if (options.path === 'bare' && (!options.dtype || typeof options.dtype === 'string')) throw new Error('The bare path needs the dtype map the app chose.');
  const driver = options.path === 'app' ? appDriver(context, options.dtype) : bareDriver(context, options.dtype as DtypeMap);
  try {
    log(`${pathLabel(options.path)} alone: load`);
    const loaded = await driver.load();
    const plans = detailPlans(options.settings, options.device, context.entry);
    log(`${pathLabel(options.path)} alone: first question (detail low, ${WARMUP_TOKENS} tokens)`);
    const first = await driver.ask('low', plans.low, WARMUP_TOKENS, await freshImage(options.settings));
    let high: PrefillRun | undefined;
    if (options.settings.details.includes('high') && !options.skipDetails?.some((s) => s.detail === 'high')) {
      log(`${pathLabel(options.path)} alone: detail high (${plans.high.imageTokens} image tokens), 1 token`);
      high = (await driver.ask('high', plans.high, 1, await freshImage(options.settings))).prefill;
    }
    const wasm = await driver.wasmMemoryBytes();
    return {
      loadMs: loaded.ms,
      dtype: { ...loaded.dtype },
      firstQuestionTtftMs: first.prefill.timeToFirstTokenMs,
      ...(high ? { high } : {}),
      ...(wasm !== undefined ? { wasmMemoryBytes: wasm } : {}),
    };
  } finally {
    await driver.dispose();
  }
}
