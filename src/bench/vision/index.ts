/**
 * The vision encoder alone under different session settings (weight format, graph optimisation
 * level, thread count): what issue 12's experiments compare before a setting becomes the app's.
 */
import * as Comlink from 'comlink';
import { modelFileUrl } from '../../../workers/models/model-location.ts';
import { onnxFilePath } from '../../../workers/models/registry.ts';
import type { ModelEntry } from '../../../workers/protocol.ts';
import { benchImageRgb } from '../core/test-image.ts';
import type { VisionSessionOptions, VisionSessionResult } from '../core/types.ts';
import type { VisionSessionWorkerApi } from './vision-session.worker.ts';

export async function measureVisionSessions(entry: ModelEntry, options: VisionSessionOptions, log: (message: string) => void): Promise<VisionSessionResult[]> {
  const rgb = benchImageRgb(options.imageSize);
  const results: VisionSessionResult[] = [];
  for (const threads of options.threads) {
    const worker = new Worker(new URL('./vision-session.worker.ts', import.meta.url), { type: 'module', name: `bench-vision-${threads}` });
    try {
      const remote = Comlink.wrap<VisionSessionWorkerApi>(worker);
      await remote.init(threads);
      for (const variant of options.variants) {
        log(`vision encoder alone: ${variant.dtype}, graph optimisation ${variant.graphOptimizationLevel}, ${threads} thread(s)`);
        const url = modelFileUrl(entry, onnxFilePath('vision_encoder', variant.dtype), location.origin);
        results.push(await remote.measure(url, variant, Comlink.transfer(rgb.slice(), []), options.imageSize, options.warmUps, options.runs));
      }
    } finally {
      worker.terminate();
    }
  }
  return results;
}
