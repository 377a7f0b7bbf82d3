/**
 * Errors a person can act on. Only `name` and `message` survive the worker boundary, so the page
 * switches on `name`. Names are spelled out because the bundler minifies class names.
 */
export class VlmError extends Error {
  override name = 'VlmError';
}

/** A second `generate` while one runs. */
export class GenerationBusyError extends VlmError {
  override name = 'GenerationBusyError';
}
/** `generate` before `load`. */
export class ModelNotLoadedError extends VlmError {
  override name = 'ModelNotLoadedError';
}
/** The prompt does not fit the model's context window. */
export class ContextOverflowError extends VlmError {
  override name = 'ContextOverflowError';
}
/** More images than the model can take in one conversation. */
export class TooManyImagesError extends VlmError {
  override name = 'TooManyImagesError';
}
/** An image that could not be decoded. */
export class ImageDecodeError extends VlmError {
  override name = 'ImageDecodeError';
}
/** The model id is unknown or a file could not be fetched. */
export class ModelLoadError extends VlmError {
  override name = 'ModelLoadError';
}
/**
 * A model file could not be obtained or kept, however the model is run: the WebGPU-to-WASM
 * fallback does not retry these.
 */
export class ModelFileError extends ModelLoadError {
  override name = 'ModelFileError';
}
/**
 * A model file failed verification twice (wrong size, wrong sha256, an HTML page instead of the
 * file). The message names the file; nothing of it was stored.
 */
export class ModelFileIntegrityError extends ModelFileError {
  override name = 'ModelFileIntegrityError';
}
/** A model file could not be downloaded (offline, server errors, connection lost too often). */
export class ModelDownloadError extends ModelFileError {
  override name = 'ModelDownloadError';
}
/** The browser's storage quota cannot hold the model; the message carries the numbers. */
export class StorageQuotaError extends ModelFileError {
  override name = 'StorageQuotaError';
}
/** WebGPU was asked for and is not usable. */
export class WebGpuUnavailableError extends VlmError {
  override name = 'WebGpuUnavailableError';
}
/** The GPU device was lost (driver reset, out of memory, tab in background on some systems). */
export class GpuDeviceLostError extends VlmError {
  override name = 'GpuDeviceLostError';
}
/** A caller passed something malformed. */
export class InvalidRequestError extends VlmError {
  override name = 'InvalidRequestError';
}

/** Name and message of anything thrown, for results that cross the boundary. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
