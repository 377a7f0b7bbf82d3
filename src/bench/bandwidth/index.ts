/**
 * (d) Memory bandwidth as WASM sees it in this browser: a STREAM-style copy over buffers far
 * larger than the CPU caches, on 1 or N threads at once (N workers sharing one memory).
 */
import * as Comlink from 'comlink';
import type { BandwidthResult } from '../core/types.ts';
import { median } from '../core/stats.ts';
import type { BandwidthWorkerApi } from './bandwidth.worker.ts';
import { streamCopyModuleBytes, WASM_PAGE } from './stream-wasm.ts';

export interface BandwidthOptions {
  threads: number;
  /** Source (and destination) buffer per thread; 64 MiB is far above any L3 cache here. */
  bytesPerThread?: number;
  /** Timed repetitions; the best is STREAM's figure. */
  repetitions?: number;
}

export async function measureCopyBandwidth({ threads, bytesPerThread = 64 * 1024 * 1024, repetitions = 6 }: BandwidthOptions): Promise<BandwidthResult> {
  const shared = crossOriginIsolated;
  if (!shared) threads = 1;
  const pages = Math.ceil((2 * bytesPerThread * threads) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  // Touch every page so first-touch faults are not timed.
  new Uint8Array(memory.buffer).fill(1);
  const module = await WebAssembly.compile(streamCopyModuleBytes(pages, shared));
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./bandwidth.worker.ts', import.meta.url), { type: 'module', name: 'bench-bandwidth' }));
  try {
    const remotes = workers.map((worker) => Comlink.wrap<BandwidthWorkerApi>(worker));
    await Promise.all(remotes.map((remote) => remote.init(module, memory)));
    const region = (index: number) => ({ src: index * 2 * bytesPerThread, dst: index * 2 * bytesPerThread + bytesPerThread });
    // One untimed pass, then pick a repeat count that runs ~300 ms per sample.
    const probe = await remotes[0]!.run(region(0).src, region(0).dst, bytesPerThread, 1);
    const reps = Math.max(1, Math.round(300 / Math.max(probe, 1)));
    const rates: number[] = [];
    for (let r = 0; r < repetitions; r++) {
      const started = performance.now();
      await Promise.all(remotes.map((remote, index) => remote.run(region(index).src, region(index).dst, bytesPerThread, reps)));
      const seconds = (performance.now() - started) / 1000;
      rates.push((2 * bytesPerThread * reps * threads) / seconds / 1e9);
    }
    return { threads, bytesPerThread, bestGBps: Math.max(...rates), medianGBps: median(rates) };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}
