/**
 * Errors a person can act on. Only `name` and `message` survive the worker boundary, so the page
 * switches on `name`; keep names stable.
 */
export class VlmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A second `generate` while one runs. */
export class GenerationBusyError extends VlmError {}
/** `generate` before `load`. */
export class ModelNotLoadedError extends VlmError {}
/** The prompt does not fit the model's context window. */
export class ContextOverflowError extends VlmError {}
/** More images than the model can take in one conversation. */
export class TooManyImagesError extends VlmError {}
/** An image that could not be decoded. */
export class ImageDecodeError extends VlmError {}
/** The model id is unknown or a file could not be fetched. */
export class ModelLoadError extends VlmError {}
/** WebGPU was asked for and is not usable. */
export class WebGpuUnavailableError extends VlmError {}
/** The GPU device was lost (driver reset, out of memory, tab in background on some systems). */
export class GpuDeviceLostError extends VlmError {}
/** A caller passed something malformed. */
export class InvalidRequestError extends VlmError {}

/** Name and message of anything thrown, for results that cross the boundary. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
