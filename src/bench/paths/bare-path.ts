/** (b) Drives the bare transformers.js worker from the page. */
import * as Comlink from 'comlink';
import type { BareLoadOptions, BareWorkerApi } from '../bare/bare.worker.ts';

export class BarePath {
  private readonly worker = new Worker(new URL('../bare/bare.worker.ts', import.meta.url), { type: 'module', name: 'bench-bare' });
  readonly remote = Comlink.wrap<BareWorkerApi>(this.worker);

  async load(options: BareLoadOptions): Promise<{ ms: number; kvBytesPerPosition: number }> {
    const started = performance.now();
    const { kvBytesPerPosition } = await this.remote.load(options);
    return { ms: performance.now() - started, kvBytesPerPosition };
  }

  dispose(): void {
    this.remote[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
