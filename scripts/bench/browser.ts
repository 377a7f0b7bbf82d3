/**
 * Drives the built bench page (bench.html) in headless Chromium for one backend: each path alone
 * in a fresh browser (a cold load and that path's peak resident memory, VmHWM from /proc), then
 * the suite with both paths in a fresh profile (its first loads are cold too), and warm loads
 * after a reload.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import '../../src/bench/core/driver-api.ts';
import type { BackendSpec, BenchSettings, BrowserPath, DetailName, LoadTimingOptions, ProbeOptions, ProbeResult, SuiteOptions, SuiteResult } from '../../src/bench/core/types.ts';
import type { Capabilities } from '../../workers/protocol.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const MEASURE_ARGS = ['--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory'];
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

export interface BrowserRunOptions {
  baseUrl: string;
  modelId: string;
  spec: BackendSpec;
  settings: BenchSettings;
  skipDetails: { detail: DetailName; reason: string }[];
  /** Each path alone first (cold load, peak memory, first question, detail high); off for software WebGPU. */
  probes: boolean;
  /** Weight formats instead of the app's policy (the bare path follows whatever the app loaded). */
  dtype?: SuiteOptions['dtype'];
  /** An untimed question on each path before the suite's (off for software WebGPU: minutes each). */
  warmUp: boolean;
  /** Issue 12's figures on the app path. */
  instant: boolean;
  log: (message: string) => void;
}

export interface BrowserRun {
  suite: SuiteResult;
  rendererPeakRssBytes?: number;
}

/** Chromium processes started by this Node process, with their command lines. */
function chromiumDescendants(): { pid: number; cmdline: string }[] {
  const parents = new Map<number, number>();
  const cmdlines = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdlines.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // The process ended while we looked.
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...cmdlines].filter(([pid]) => mine(pid)).map(([pid, cmdline]) => ({ pid, cmdline }));
}

/** Highest peak RSS (VmHWM) among our renderer processes (the page and its workers live there). */
function rendererPeakRss(): number | undefined {
  let peak = 0;
  for (const { pid, cmdline } of chromiumDescendants()) {
    if (!cmdline.includes('--type=renderer')) continue;
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]) * 1024);
    } catch {
      // Gone.
    }
  }
  return peak || undefined;
}

export async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...MEASURE_ARGS, ...(webgpu ? WEBGPU_ARGS : [])] });
}

async function openBenchPage(context: BrowserContext, baseUrl: string, log: (message: string) => void): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('[bench] ')) log(text.slice(8));
    else if (message.type() === 'error' && !/Failed to load resource/.test(text)) log(`browser error: ${text}`);
  });
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(`${baseUrl}/bench.html`);
  // The page asks the worker for models and capabilities first; measuring starts after that.
  await page.locator('main.bench[data-ready]').waitFor({ timeout: 120_000 });
  return page;
}

/** What the browser offers (WebGPU adapter, isolation, threads), in a throwaway page. */
export async function probeCapabilities(baseUrl: string, webgpu: boolean): Promise<Capabilities> {
  const browser = await launch(webgpu);
  try {
    const page = await openBenchPage(await browser.newContext(), baseUrl, () => undefined);
    return await page.evaluate(() => window.vlm.capabilities());
  } finally {
    await browser.close();
  }
}

export async function runBrowserBackend(options: BrowserRunOptions): Promise<BrowserRun> {
  const { spec, settings, log } = options;
  const webgpu = spec.device === 'webgpu';
  const base = { modelId: options.modelId, device: spec.device, threads: spec.threads };

  // Each path alone in a fresh browser: a cold load, and the renderer's peak memory for that path.
  const probes: Partial<Record<BrowserPath, ProbeResult & { peakRssBytes?: number }>> = {};
  let dtype = options.dtype as Record<string, string> | undefined;
  for (const path of options.probes ? (['app', 'bare'] as const) : []) {
    const browser = await launch(webgpu);
    try {
      const page = await openBenchPage(await browser.newContext(), options.baseUrl, log);
      const probeOptions: ProbeOptions = { ...base, settings, path, skipDetails: options.skipDetails, ...(dtype ? { dtype: dtype as ProbeOptions['dtype'] } : {}) };
      const probe = await page.evaluate((o) => window.vlmBench.probePath(o), probeOptions);
      dtype = probe.dtype;
      const peakRssBytes = rendererPeakRss();
      probes[path] = { ...probe, ...(peakRssBytes ? { peakRssBytes } : {}) };
    } finally {
      await browser.close();
    }
  }

  const browser = await launch(webgpu);
  try {
    const context = await browser.newContext();
    const page = await openBenchPage(context, options.baseUrl, log);
    const suiteOptions: SuiteOptions = {
      ...base,
      settings,
      paths: ['app', 'bare'],
      // Its loads share one context (the second finds ONNX Runtime compiled): cold loads come from
      // the probes and from the fresh contexts below.
      firstLoad: 'skip',
      skipDetails: options.skipDetails,
      ...(options.dtype ? { dtype: options.dtype } : {}),
      bandwidth: spec.device === 'wasm',
      highFromProbes: options.probes,
      // Without probes (software WebGPU) every question is minutes long: no untimed warm-up either.
      warmUp: options.warmUp,
      instant: options.instant,
    };
    const suite = await page.evaluate((o) => window.vlmBench.runSuite(o), suiteOptions);
    const rendererPeakRssBytes = rendererPeakRss();
    for (const path of ['app', 'bare'] as const) {
      const probe = probes[path];
      const runs = suite.runs[path];
      if (!probe || !runs) continue;
      runs.loads.coldMs.push(probe.loadMs);
      runs.firstQuestionTtftMs = [...(runs.firstQuestionTtftMs ?? []), probe.firstQuestionTtftMs];
      if (probe.high) runs.prefill.push(probe.high);
      if (probe.peakRssBytes) runs.memory.peakRssBytes = probe.peakRssBytes;
      if (probe.wasmMemoryBytes) runs.memory.peakWasmBytes = Math.max(runs.memory.peakWasmBytes ?? 0, probe.wasmMemoryBytes);
    }

    // Loads are timed one path per page, round by round with the order alternating (see below).
    const alternating = (round: number): BrowserPath[] => (round % 2 === 0 ? ['app', 'bare'] : ['bare', 'app']);
    const loadAlone = async (target: Page, path: BrowserPath): Promise<number[]> => {
      const options: LoadTimingOptions = { ...base, dtype: suite.backend.dtype as LoadTimingOptions['dtype'], paths: [path], count: 1 };
      return (await target.evaluate((o) => window.vlmBench.measureLoads(o), options))[path];
    };
    // Warm loads (files in Cache Storage): each path alone in a page loaded afresh, the order
    // alternating, for the reason the cold loads below run alone: sharing a page, the second path
    // found the first one's ONNX Runtime compiled.
    for (let i = 0; i < settings.loadRuns; i++) {
      for (const path of alternating(i)) {
        log(`warm load ${i + 1}/${settings.loadRuns}: ${path === 'app' ? '(a)' : '(b)'} alone in a reloaded page`);
        await page.reload();
        await page.locator('main.bench[data-ready]').waitFor({ timeout: 120_000 });
        suite.runs[path]?.loads.warmMs.push(...(await loadAlone(page, path)));
      }
    }
    await context.close();

    // The probes gave one cold load per path. The others: each path alone in a fresh context (empty
    // caches), the order alternating. Alone, because the second load in a context found ONNX
    // Runtime's WebAssembly already compiled and took 2-3 s less (docs/performance.md, session 9):
    // two paths sharing a context measured their order, not themselves.
    for (let i = options.probes ? 1 : 0; i < settings.loadRuns; i++) {
      for (const path of alternating(i)) {
        log(`cold load ${i + 1}/${settings.loadRuns}: ${path === 'app' ? '(a)' : '(b)'} alone in a fresh browser context`);
        const fresh = await browser.newContext();
        suite.runs[path]?.loads.coldMs.push(...(await loadAlone(await openBenchPage(fresh, options.baseUrl, log), path)));
        await fresh.close();
      }
    }
    return { suite, ...(rendererPeakRssBytes ? { rendererPeakRssBytes } : {}) };
  } finally {
    await browser.close();
  }
}
