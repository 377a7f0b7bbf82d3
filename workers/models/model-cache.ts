/**
 * How verified model files sit in Cache Storage. The worker's model store writes entries; the page
 * reads the same cache for the "Models & storage" panel. Pure data: both threads import it.
 */

/** One cache for every model; the version changes only if the entry layout below changes. */
export const MODEL_CACHE_NAME = 'vlm-models-v1';

/** Headers every stored entry carries, so an entry explains itself without the registry. */
export const MODEL_CACHE_HEADERS = {
  /** Hex sha256 of the body, computed while downloading. */
  sha256: 'x-vlm-sha256',
  /** Registry id of the model the file belongs to. */
  modelId: 'x-vlm-model',
  /** Display name of that model. */
  modelName: 'x-vlm-model-name',
  /** Path inside the model repository, e.g. `onnx/decoder_model_merged.onnx`. */
  file: 'x-vlm-file',
  /** ISO time the file was stored. */
  storedAt: 'x-vlm-stored-at',
  /** Set on a remembered 404 (an optional file the model does not have), so offline loads skip it. */
  missing: 'x-vlm-missing',
} as const;

/** The Web Lock held while one file is downloaded and stored (all tabs of the origin share it). */
export function modelFileLockName(url: string): string {
  return `model-file:${url}`;
}
