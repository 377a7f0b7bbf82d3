/** One thread of the multiply-add probe: instantiates the kernels and times them. */
import * as Comlink from 'comlink';
import type { ComputeKernel } from './compute-wasm.ts';

const kernels = new Map<ComputeKernel, (iterations: number) => number>();

const api = {
  async init(modules: WebAssembly.Module[]): Promise<void> {
    for (const module of modules) {
      const instance = await WebAssembly.instantiate(module);
      for (const [name, kernel] of Object.entries(instance.exports)) kernels.set(name as ComputeKernel, kernel as (iterations: number) => number);
    }
  },
  /** Runs `kernel` for `iterations` and returns its duration in ms. */
  run(kernel: ComputeKernel, iterations: number): number {
    const run = kernels.get(kernel);
    if (!run) throw new Error(`The compute worker has no kernel ${kernel}.`);
    const started = performance.now();
    run(iterations);
    return performance.now() - started;
  },
};

export type ComputeWorkerApi = typeof api;
Comlink.expose(api);
