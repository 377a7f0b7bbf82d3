/**
 * Errors a person can act on: named classes whose messages say what to do next, carrying their
 * facts (token counts, file, bytes) as typed fields. They cross the worker boundary whole
 * (workers/error-transfer.ts), so the page switches on `name` (a `VlmErrorName`) and reads the
 * facts instead of parsing the message. Names are spelled out because the bundler minifies class
 * names.
 */
import type { ErrorFacts, ErrorInfo, NoFacts, VlmErrorName } from './protocol.ts';

/** Base of every named error; `facts` travel with `name` and `message`. */
export class VlmError<Name extends VlmErrorName = VlmErrorName> extends Error {
  declare readonly name: Name;

  constructor(
    name: Name,
    message: string,
    readonly facts: ErrorFacts[Name],
  ) {
    super(message);
    this.name = name;
  }
}

export class GenerationBusyError extends VlmError<'GenerationBusyError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('GenerationBusyError', message, facts);
  }
}
export class ModelNotLoadedError extends VlmError<'ModelNotLoadedError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('ModelNotLoadedError', message, facts);
  }
}
export class ContextOverflowError extends VlmError<'ContextOverflowError'> {
  constructor(message: string, facts: ErrorFacts['ContextOverflowError']) {
    super('ContextOverflowError', message, facts);
  }
}
export class TooManyImagesError extends VlmError<'TooManyImagesError'> {
  constructor(message: string, facts: ErrorFacts['TooManyImagesError']) {
    super('TooManyImagesError', message, facts);
  }
}
export class ImageDecodeError extends VlmError<'ImageDecodeError'> {
  constructor(message: string, facts: ErrorFacts['ImageDecodeError']) {
    super('ImageDecodeError', message, facts);
  }
}
export class ModelLoadError extends VlmError<'ModelLoadError'> {
  constructor(message: string, facts: ErrorFacts['ModelLoadError']) {
    super('ModelLoadError', message, facts);
  }
}
export class ModelFileIntegrityError extends VlmError<'ModelFileIntegrityError'> {
  constructor(message: string, facts: ErrorFacts['ModelFileIntegrityError']) {
    super('ModelFileIntegrityError', message, facts);
  }
}
export class ModelDownloadError extends VlmError<'ModelDownloadError'> {
  constructor(message: string, facts: ErrorFacts['ModelDownloadError']) {
    super('ModelDownloadError', message, facts);
  }
}
export class StorageQuotaError extends VlmError<'StorageQuotaError'> {
  constructor(message: string, facts: ErrorFacts['StorageQuotaError']) {
    super('StorageQuotaError', message, facts);
  }
}
export class WebGpuUnavailableError extends VlmError<'WebGpuUnavailableError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('WebGpuUnavailableError', message, facts);
  }
}
export class GpuDeviceLostError extends VlmError<'GpuDeviceLostError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('GpuDeviceLostError', message, facts);
  }
}
export class ImagePixelsNeededError extends VlmError<'ImagePixelsNeededError'> {
  constructor(message: string, facts: ErrorFacts['ImagePixelsNeededError']) {
    super('ImagePixelsNeededError', message, facts);
  }
}
export class InvalidLogitsError extends VlmError<'InvalidLogitsError'> {
  constructor(message: string, facts: ErrorFacts['InvalidLogitsError']) {
    super('InvalidLogitsError', message, facts);
  }
}
export class InvalidRequestError extends VlmError<'InvalidRequestError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('InvalidRequestError', message, facts);
  }
}
export class WorkerCrashedError extends VlmError<'WorkerCrashedError'> {
  constructor(message: string, facts: NoFacts = {}) {
    super('WorkerCrashedError', message, facts);
  }
}

const ERROR_CLASSES: { [Name in VlmErrorName]: new (message: string, facts: ErrorFacts[Name]) => VlmError<Name> } = {
  GenerationBusyError,
  ModelNotLoadedError,
  ContextOverflowError,
  TooManyImagesError,
  ImageDecodeError,
  ModelLoadError,
  ModelFileIntegrityError,
  ModelDownloadError,
  StorageQuotaError,
  WebGpuUnavailableError,
  GpuDeviceLostError,
  InvalidLogitsError,
  InvalidRequestError,
  ImagePixelsNeededError,
  WorkerCrashedError,
};

/**
 * A model file could not be obtained or kept, however the model is run: the WebGPU-to-WASM
 * fallback does not retry these.
 */
export function isModelFileError(error: unknown): error is ModelFileIntegrityError | ModelDownloadError | StorageQuotaError {
  return error instanceof ModelFileIntegrityError || error instanceof ModelDownloadError || error instanceof StorageQuotaError;
}

/** Name, message and facts of anything thrown: what crosses the boundary and what the page shows. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof VlmError) return { ...error.facts, name: error.name, message: error.message } as ErrorInfo;
  if (error instanceof Error) return { name: 'Error', message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error `describeError` described, as its own class again (a plain Error for an unknown name). */
export function errorFromInfo(info: ErrorInfo): Error {
  const { name, message, ...facts } = info;
  if (name === 'Error' || !Object.hasOwn(ERROR_CLASSES, name)) return new Error(message);
  const ErrorClass = ERROR_CLASSES[name] as new (message: string, facts: unknown) => VlmError;
  return new ErrorClass(message, facts);
}
