/**
 * Loading a model's processor and sessions through transformers.js, as every family does: point
 * transformers.js at where the model lives, route its downloads through the verified model store,
 * turn its progress events into LoadProgress, and name a failure. A family only says which
 * `from_pretrained` calls to make.
 */
import { env, type ProgressInfo } from '@huggingface/transformers';
import { ModelLoadError, VlmError } from '../errors.ts';
import { beginModelLoad } from '../model-store/index.ts';
import type { DeviceLoad } from '../models/load-plan.ts';
import { modelLocation, type ModelLocation } from '../models/model-location.ts';
import type { LoadProgress, ModelEntry } from '../protocol.ts';
import type { InferenceSession } from 'onnxruntime-common';
import { LoadProgressTracker } from './load-progress.ts';
import { configuredWasmThreads, wasmSessionOptions } from './ort-env.ts';

/** The model as transformers.js names it: a repository and a revision. */
export type TransformersModel = Pick<ModelLocation, 'name' | 'revision'>;

/** Points transformers.js at where this model lives (workers/models/model-location.ts). */
function pointTransformersAt(location: ModelLocation): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = location.remoteHost;
  env.remotePathTemplate = location.remotePathTemplate;
}

/**
 * Runs `load` (a family's `from_pretrained` calls, given the session options to pass the model's)
 * for `entry` as `attempt` plans it, reporting progress against the plan's files; the store's named errors (integrity, quota, offline) pass
 * through, anything else becomes a ModelLoadError naming the model and device.
 */
export async function loadWithTransformers<T extends { model: { dispose(): Promise<unknown> } }>(
  entry: ModelEntry,
  attempt: DeviceLoad,
  onProgress: (progress: LoadProgress) => void,
  load: (model: TransformersModel, progressCallback: (info: ProgressInfo) => void, sessionOptions: InferenceSession.SessionOptions | undefined) => Promise<T>,
): Promise<T> {
  const location = modelLocation(entry, self.location.origin);
  pointTransformersAt(location);
  const progress = new LoadProgressTracker(attempt.files, attempt.device, onProgress);
  progress.report('Starting');
  const storeLoad = beginModelLoad(entry, location, progress.callback);
  try {
    const sessionOptions = wasmSessionOptions(attempt.device, configuredWasmThreads(), navigator.hardwareConcurrency || 1);
    const loaded = await load(location, progress.callback, sessionOptions);
    // The files were written to Cache Storage while the sessions were created. A file the quota
    // could not hold fails the load, as a refused download does: the person chose a model to
    // keep, and it would not be there offline.
    const refused = await storeLoad.settled();
    if (refused) {
      await loaded.model.dispose().catch(() => undefined);
      throw refused;
    }
    return loaded;
  } catch (error) {
    if (error instanceof VlmError) throw error;
    throw new ModelLoadError(`Could not load ${entry.name} on ${attempt.device}: ${(error as Error).message}`, { modelId: entry.id });
  } finally {
    storeLoad.end();
  }
}
