/** Files a person adds: sniffed by their bytes, checked for size and completeness, then decoded once. */
export { intakeImageFile, decodeWithBrowser, type Attachment, type IntakeResult, type ImageDecoder } from './intake.ts';
export { inspectImageBytes, IMAGE_LIMITS, quoteName, type ImageLimits, type Refusal, type RefusalReason, type Inspection } from './inspect.ts';
export { sniffKind, ACCEPTED_FORMATS, FORMAT_NAMES, type ImageFormat, type SniffedKind } from './sniff.ts';
export { readDimensions, checkIntegrity, type Dimensions, type Integrity } from './image-header.ts';
