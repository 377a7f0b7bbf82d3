/**
 * Loading a model's processor and sessions through transformers.js, as every family does: point
 * transformers.js at where the model lives, route its downloads through the verified model store,
 * turn its progress events into LoadProgress, and name a failure. A family only says which
 * `from_pretrained` calls to make.
 */
import { env, type ProgressInfo } from '@huggingface/transformers';
import { ModelLoadError, VlmError } from '../errors.ts';
import { beginModelLoad } from '../model-store/index.ts';
import { filesForDtypes } from '../models/registry.ts';
import type { Device, DtypeMap, LoadProgress, ModelEntry } from '../protocol.ts';
import { LoadProgressTracker } from './load-progress.ts';

/** The Hub's layout, transformers.js' default. */
export const HUB_HOST = 'https://huggingface.co/';
export const HUB_PATH_TEMPLATE = '{model}/resolve/{revision}/';

/** The model as transformers.js names it: a repository and a revision. */
export interface TransformersModel {
  name: string;
  revision: string;
}

/**
 * Points transformers.js at where this model lives. Models on our own origin are fetched as a
 * "remote" host too (rather than transformers.js' local-files mode), so they take exactly the
 * path a Hub model takes: Range probes for optional files, progress events, Cache Storage.
 */
function pointTransformersAt(entry: ModelEntry): TransformersModel {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  if (entry.source.kind === 'origin') {
    env.remoteHost = new URL(entry.source.baseUrl.replace(/[^/]+\/$/, ''), self.location.origin).href;
    env.remotePathTemplate = '{model}/';
    return { name: entry.id, revision: 'main' };
  }
  env.remoteHost = HUB_HOST;
  env.remotePathTemplate = HUB_PATH_TEMPLATE;
  return { name: entry.source.repo, revision: entry.source.revision };
}

/**
 * Runs `load` (a family's `from_pretrained` calls) for `entry` on `device` with `dtype`, reporting
 * progress; the store's named errors (integrity, quota, offline) pass through, anything else
 * becomes a ModelLoadError naming the model and device.
 */
export async function loadWithTransformers<T>(
  entry: ModelEntry,
  device: Device,
  dtype: DtypeMap,
  onProgress: (progress: LoadProgress) => void,
  load: (model: TransformersModel, progressCallback: (info: ProgressInfo) => void) => Promise<T>,
): Promise<T> {
  const model = pointTransformersAt(entry);
  const progress = new LoadProgressTracker(filesForDtypes(entry, dtype).files, device, onProgress);
  progress.report('Starting');
  const endStoreLoad = beginModelLoad(entry, model, progress.callback);
  try {
    return await load(model, progress.callback);
  } catch (error) {
    if (error instanceof VlmError) throw error;
    throw new ModelLoadError(`Could not load ${entry.name} on ${device}: ${(error as Error).message}`, { modelId: entry.id });
  } finally {
    endStoreLoad();
  }
}
