/** One thread of the STREAM copy: instantiates the kernel on the shared memory and times it. */
import * as Comlink from 'comlink';

let copy: ((src: number, dst: number, bytes: number, reps: number) => void) | null = null;

const api = {
  async init(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<void> {
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    copy = instance.exports['copy'] as typeof copy;
  },
  /** Runs the copy and returns its duration in ms. */
  run(src: number, dst: number, bytes: number, reps: number): number {
    if (!copy) throw new Error('The bandwidth worker was not initialised.');
    const started = performance.now();
    copy(src, dst, bytes, reps);
    return performance.now() - started;
  },
};

export type BandwidthWorkerApi = typeof api;
Comlink.expose(api);
