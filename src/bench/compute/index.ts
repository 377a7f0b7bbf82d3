/**
 * The compute limit as WASM sees it in this browser: SIMD multiply-adds per second from kernels
 * that touch no memory (src/device/compute/compute-wasm.ts), on 1 or N workers at once. The vision encoder's
 * distance from it is in the report (src/bench/core/vision-flops.ts).
 */
import * as Comlink from 'comlink';
import { median } from '../core/stats.ts';
import type { ComputeRate, ComputeResult } from '../core/types.ts';
import type { ComputeWorkerApi } from '../../device/compute/compute.worker.ts';
import { MULTIPLY_ADDS_PER_ITERATION, relaxedModuleBytes, simdModuleBytes, type ComputeKernel } from '../../device/compute/compute-wasm.ts';

export interface ComputeOptions {
  threads: number;
  /** Timed repetitions per kernel; the best is the figure, as for the bandwidth probe. */
  repetitions?: number;
  /** Length of one timed sample. */
  sampleMs?: number;
}

export async function measureComputeRate({ threads, repetitions = 5, sampleMs = 250 }: ComputeOptions): Promise<ComputeResult> {
  const relaxedSimd = WebAssembly.validate(relaxedModuleBytes());
  const modules = [await WebAssembly.compile(simdModuleBytes()), ...(relaxedSimd ? [await WebAssembly.compile(relaxedModuleBytes())] : [])];
  const workers = Array.from({ length: threads }, () => new Worker(new URL('../../device/compute/compute.worker.ts', import.meta.url), { type: 'module', name: 'bench-compute' }));
  try {
    const remotes = workers.map((worker) => Comlink.wrap<ComputeWorkerApi>(worker));
    await Promise.all(remotes.map((remote) => remote.init(modules)));
    const rate = async (kernel: ComputeKernel): Promise<ComputeRate> => {
      // Untimed runs until the engine has tiered up to its optimising compiler (the first
      // call runs baseline code at a third of the speed), then a size of ~sampleMs per sample.
      let iterations = 100_000;
      let ms = 0;
      for (let i = 0; i < 4 || ms < sampleMs / 4; i++) {
        ms = Math.max(...(await Promise.all(remotes.map((remote) => remote.run(kernel, iterations)))));
        if (ms < sampleMs / 4) iterations *= 2;
        if (i > 20) break;
      }
      iterations = Math.max(1, Math.round((iterations * sampleMs) / Math.max(ms, 1)));
      const rates: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        const started = performance.now();
        await Promise.all(remotes.map((remote) => remote.run(kernel, iterations)));
        const seconds = (performance.now() - started) / 1000;
        rates.push((2 * MULTIPLY_ADDS_PER_ITERATION[kernel] * iterations * threads) / seconds / 1e9);
      }
      return { best: Math.max(...rates), median: median(rates) };
    };
    return {
      threads,
      relaxedSimd,
      f32MulAdd: await rate('f32_muladd'),
      ...(relaxedSimd ? { f32Fma: await rate('f32_fma') } : {}),
      int16Dot: await rate('i16_dot'),
    };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}
