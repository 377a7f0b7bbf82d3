/**
 * How many threads ONNX Runtime's WASM backend gets on this device, chosen by measurement rather
 * than "all cores": logical cores are not all worth a thread (two hyperthreads share one core's
 * SIMD units; efficiency cores are slower), and every thread ORT spins competes with the page.
 *
 * The measurement is the int8 multiply-add probe (`compute/compute-wasm.ts`, the instruction
 * ORT's q8 matrix kernels run on WASM) on 1, 2, ... workers at once: the fewest threads that reach
 * 90% of the best aggregate rate win. It runs once per device (about 0.2 s per candidate) and is
 * kept in localStorage; ORT fixes its thread count when its WASM starts, so the choice is made
 * before the first load.
 *
 * On two cores or fewer nothing is probed: the full benchmark on a 2-core machine measured both
 * threads 1.3x faster decoding and 1.8x faster to the first token than one, for the app and for
 * bare transformers.js alike (docs/performance.md, "Issue 12, session 6"), and one thread on a
 * busy moment would be kept for good.
 */
import * as Comlink from 'comlink';
import { MAX_WASM_THREADS } from '../../workers/protocol.ts';
import type { ComputeWorkerApi } from './compute/compute.worker.ts';
import { MULTIPLY_ADDS_PER_ITERATION, simdModuleBytes } from './compute/compute-wasm.ts';

export const WASM_THREADS_STORAGE_KEY = 'vlm-chat.wasm-threads.v1';

/** Fewer threads win while they reach this share of the best rate. */
export const ENOUGH_OF_BEST = 0.9;

/** A thread count and the aggregate int8 multiply-add rate measured with it (GOP/s). */
export interface ThreadRate {
  threads: number;
  rate: number;
}

export interface WasmThreadChoice {
  threads: number;
  /** Measured on this device, or a default without a measurement (see `reason`). */
  basis: 'measured' | 'default';
  /** Why this many, in words for the settings. */
  reason: string;
  /** The logical cores the browser reported when it was chosen (a new device, a new choice). */
  cores: number;
  rates: ThreadRate[];
  measuredAt?: string;
}

/** The thread counts worth measuring on `cores` logical cores: every count up to 4, then even ones. */
export function threadCandidates(cores: number): number[] {
  const most = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores)));
  return Array.from({ length: most }, (_, i) => i + 1).filter((threads) => threads <= 4 || threads % 2 === 0 || threads === most);
}

/** The fewest threads whose rate is within ENOUGH_OF_BEST of the best one. */
export function chooseThreads(rates: readonly ThreadRate[]): number {
  const usable = rates.filter((entry) => Number.isFinite(entry.rate) && entry.rate > 0);
  if (usable.length === 0) return 1;
  const best = Math.max(...usable.map((entry) => entry.rate));
  return Math.min(...usable.filter((entry) => entry.rate >= ENOUGH_OF_BEST * best).map((entry) => entry.threads));
}

/** Aggregate rate of the int8 dot kernel on `threads` workers at once (best of `samples`). */
async function measureRate(module: WebAssembly.Module, threads: number, samples = 3, sampleMs = 60): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./compute/compute.worker.ts', import.meta.url), { type: 'module', name: 'thread-probe' }));
  try {
    const remotes = workers.map((worker) => Comlink.wrap<ComputeWorkerApi>(worker));
    await Promise.all(remotes.map((remote) => remote.init([module])));
    // Warm up until the optimising compiler has the kernel, sizing a sample to ~sampleMs.
    let iterations = 50_000;
    for (let i = 0; i < 12; i++) {
      const ms = Math.max(...(await Promise.all(remotes.map((remote) => remote.run('i16_dot', iterations)))));
      if (ms >= sampleMs / 2 && i >= 2) {
        iterations = Math.max(1, Math.round((iterations * sampleMs) / ms));
        break;
      }
      iterations *= 2;
    }
    let best = 0;
    for (let s = 0; s < samples; s++) {
      const started = performance.now();
      await Promise.all(remotes.map((remote) => remote.run('i16_dot', iterations)));
      const seconds = (performance.now() - started) / 1000;
      best = Math.max(best, (2 * MULTIPLY_ADDS_PER_ITERATION.i16_dot * iterations * threads) / seconds / 1e9);
    }
    return best;
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

/** Measures every candidate count on this device and chooses. */
export async function measureWasmThreads(cores: number): Promise<WasmThreadChoice> {
  const module = await WebAssembly.compile(simdModuleBytes());
  const rates: ThreadRate[] = [];
  for (const threads of threadCandidates(cores)) rates.push({ threads, rate: await measureRate(module, threads) });
  const threads = chooseThreads(rates);
  return { threads, basis: 'measured', reason: `the fewest threads within ${Math.round(ENOUGH_OF_BEST * 100)}% of the fastest, measured on this device (${rates.length} counts tried)`, cores, rates, measuredAt: new Date().toISOString() };
}

function readStored(storage: Pick<Storage, 'getItem'> | undefined, cores: number): WasmThreadChoice | null {
  try {
    const stored = JSON.parse(storage?.getItem(WASM_THREADS_STORAGE_KEY) ?? 'null') as WasmThreadChoice | null;
    if (stored && stored.basis === 'measured' && stored.cores === cores && Number.isInteger(stored.threads) && stored.threads >= 1 && stored.threads <= cores) return stored;
  } catch {
    // Malformed: measure again.
  }
  return null;
}

let choosing: Promise<WasmThreadChoice> | null = null;

/** localStorage, or undefined where reading it throws (a widget frame whose storage the browser blocks). */
function siteStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * This device's thread count: kept from an earlier measurement, or measured now (once per page,
 * however many loads ask). Without cross-origin isolation ORT runs one thread whatever is asked.
 */
export function deviceWasmThreads(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = siteStorage()): Promise<WasmThreadChoice> {
  choosing ??= (async () => {
    // Read through globalThis: the bridge's unit tests run in Node.
    const cores = Math.max(1, globalThis.navigator?.hardwareConcurrency || 1);
    if (!globalThis.crossOriginIsolated) return { threads: 1, basis: 'default', reason: 'this page is not cross-origin isolated, so WebAssembly cannot share memory between threads', cores, rates: [] };
    if (cores <= 2) return { threads: cores, basis: 'default', reason: `all ${cores === 1 ? 'the core' : 'both cores'}: on two cores both threads were measured faster than one`, cores, rates: [] };
    const stored = readStored(storage, cores);
    if (stored) return stored;
    try {
      const measured = await measureWasmThreads(cores);
      try {
        storage?.setItem(WASM_THREADS_STORAGE_KEY, JSON.stringify(measured));
      } catch {
        // Private mode or a full quota: measured again next visit.
      }
      return measured;
    } catch (error) {
      // No workers or no SIMD here: ORT's own default (half the cores, at most 4) is the safe bet.
      console.warn(`Could not measure the device's threads (${(error as Error).message}); using half the cores.`);
      return { threads: Math.max(1, Math.min(4, Math.floor(cores / 2))), basis: 'default', reason: `half the cores: the measurement failed (${(error as Error).message})`, cores, rates: [] };
    }
  })();
  return choosing;
}
