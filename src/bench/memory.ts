/**
 * Peak memory per thread group, from `performance.measureUserAgentSpecificMemory()` (Chromium,
 * cross-origin isolated pages): JS heaps including ArrayBuffers and WASM memories, attributed to
 * the window or to each worker by its script URL. A measurement resolves at the worker's next
 * garbage collection, so the sampler keeps one in flight while the benchmark runs.
 */
export type MemoryOwner = 'app' | 'bare' | 'ort-threads' | 'page' | 'other';

interface UaMemoryResult {
  bytes: number;
  breakdown: { bytes: number; attribution: { url: string; scope: string }[]; types: string[] }[];
}

function ownerOf(url: string, scope: string): MemoryOwner {
  if (/vlm\.worker/.test(url)) return 'app';
  if (/bare\.worker/.test(url)) return 'bare';
  if (/ort-wasm/.test(url)) return 'ort-threads';
  if (scope === 'Window') return 'page';
  return 'other';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MemorySampler {
  readonly peaks = new Map<MemoryOwner, number>();
  samples = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  static get supported(): boolean {
    return typeof performance !== 'undefined' && 'measureUserAgentSpecificMemory' in performance && crossOriginIsolated;
  }

  start(intervalMs = 2000): void {
    if (!MemorySampler.supported || this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.sampleOnce();
        await sleep(intervalMs);
      }
    })();
  }

  private async sampleOnce(): Promise<void> {
    const measure = (performance as unknown as { measureUserAgentSpecificMemory(): Promise<UaMemoryResult> }).measureUserAgentSpecificMemory();
    const result = await Promise.race([measure, sleep(60_000).then(() => null)]).catch(() => null);
    if (!result) return;
    this.samples++;
    const totals = new Map<MemoryOwner, number>();
    for (const entry of result.breakdown) {
      const owners = new Set(entry.attribution.map((a) => ownerOf(a.url, a.scope)));
      const owner = owners.size === 1 ? [...owners][0]! : 'other';
      totals.set(owner, (totals.get(owner) ?? 0) + entry.bytes);
    }
    for (const [owner, bytes] of totals) this.peaks.set(owner, Math.max(this.peaks.get(owner) ?? 0, bytes));
  }

  /** Stops sampling; waits (briefly) for the measurement in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.race([this.loop, sleep(5_000)]);
  }

  peak(owner: MemoryOwner): number | undefined {
    return this.peaks.get(owner);
  }
}

