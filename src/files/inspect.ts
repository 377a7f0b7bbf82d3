/**
 * The verdict on a file a person added, from its bytes alone: accepted (with its format and the
 * pixel size its header claims) or refused with a message that says what the file is and what to
 * do instead. Pure: the browser-only decode check lives in intake.ts.
 */
import { formatBytes } from '../lib/format.ts';
import { checkIntegrity, readDimensions, type Dimensions } from './image-header.ts';
import { FORMAT_NAMES, isAcceptedFormat, sniffKind, type ImageFormat, type SniffedKind } from './sniff.ts';

export interface ImageLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest pixel count a header may claim (decompression-bomb guard; the worker refuses above 50 MP too). */
  maxPixels: number;
}

export const IMAGE_LIMITS: ImageLimits = { maxBytes: 50 * 1024 * 1024, maxPixels: 50_000_000 };

export type RefusalReason =
  | 'empty'
  | 'file-too-large'
  | 'not-an-image'
  | 'unsupported-format'
  | 'truncated'
  | 'corrupt'
  | 'too-many-pixels'
  | 'undecodable'
  | 'too-many-images'
  | 'unreadable'
  // Videos (src/video):
  | 'audio-only'
  | 'zero-duration'
  | 'unsupported-codec';

/** Why a file was not added, in words a person can act on. */
export interface Refusal {
  reason: RefusalReason;
  fileName: string;
  message: string;
}

export type Inspection =
  | { ok: true; format: ImageFormat | 'heic'; dimensions: Dimensions }
  | { ok: false; refusal: Refusal };

/** “name” with typographic quotes, shortened when very long. */
export function quoteName(name: string): string {
  const shown = name.length > 60 ? `${name.slice(0, 40)}…${name.slice(-15)}` : name;
  return `“${shown || 'The file'}”`;
}

const IMAGE_EXTENSION = /\.(jpe?g|png|webp|gif|bmp|avif|heic|heif)$/i;

/** " (despite its .jpg name)" when the name promises an image the bytes are not. */
function despiteName(name: string): string {
  const extension = IMAGE_EXTENSION.exec(name)?.[0];
  return extension ? ` (despite its ${extension.toLowerCase()} name)` : '';
}

function refuse(reason: RefusalReason, fileName: string, message: string): Inspection {
  return { ok: false, refusal: { reason, fileName, message } };
}

const NOT_AN_IMAGE: Partial<Record<SniffedKind, string>> = {
  pdf: 'is a PDF document, not an image. Export the page as PNG or JPEG (or take a screenshot) and add that.',
  zip: 'is a ZIP archive, not an image. Unzip it and add the images inside.',
  svg: 'is an SVG drawing. SVG files can carry scripts and are not accepted; export it as PNG and add that.',
  tiff: 'is a TIFF image, which browsers cannot decode. Convert it to PNG or JPEG and add it again.',
  video: 'is a video. Add a still image instead (a screenshot of the frame works).',
};

/** The message for a HEIC file this browser could not decode. */
export function heicMessage(fileName: string): string {
  return `${quoteName(fileName)} is a HEIC/HEIF photo, which this browser cannot decode. Convert it to JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible) and add it again.`;
}

/** The message for an image whose header was fine but whose data a decoder rejected. */
export function undecodableMessage(fileName: string, format: ImageFormat | 'heic'): string {
  return `${quoteName(fileName)} looks like a ${FORMAT_NAMES[format]} image but could not be decoded: the file is damaged. Try exporting it again.`;
}

/** Judges a file by its bytes. `size` is the file's full size (bytes may be all of it). */
export function inspectImageBytes(bytes: Uint8Array, fileName: string, limits: ImageLimits = IMAGE_LIMITS): Inspection {
  const name = quoteName(fileName);
  const kind = sniffKind(bytes);
  if (kind === 'empty') return refuse('empty', fileName, `${name} is empty (0 bytes): there is no image in it.`);
  if (bytes.length > limits.maxBytes) {
    return refuse('file-too-large', fileName, `${name} is ${formatBytes(bytes.length)}; images up to ${formatBytes(limits.maxBytes)} are accepted. Downscale or compress it first.`);
  }
  const notAnImage = NOT_AN_IMAGE[kind];
  if (notAnImage) return refuse('not-an-image', fileName, `${name}${despiteName(fileName)} ${notAnImage}`);
  if (kind !== 'heic' && !isAcceptedFormat(kind)) {
    return refuse('not-an-image', fileName, `${name}${despiteName(fileName)} is not an image this app can read. Accepted formats: JPEG, PNG, WebP, GIF, BMP and AVIF.`);
  }
  const format = kind;
  const formatName = FORMAT_NAMES[format];
  const dimensions = readDimensions(bytes, format);
  if (!dimensions) {
    // No header at all: a file cut off after its first bytes, or a damaged one.
    const integrity = checkIntegrity(bytes, format);
    return integrity === 'truncated'
      ? refuse('truncated', fileName, `${name} is an incomplete ${formatName} file: it ends before its header does (an interrupted download or copy?). Add the complete file.`)
      : refuse('corrupt', fileName, `${name} is a damaged ${formatName} file: its header cannot be read.`);
  }
  const { width, height } = dimensions;
  if (width === 0 || height === 0) return refuse('corrupt', fileName, `${name} is a damaged ${formatName} file: its header says ${width} × ${height} pixels.`);
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return refuse(
      'too-many-pixels',
      fileName,
      `${name} claims to be ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels (${Math.round(pixels / 1e6).toLocaleString('en-US')} megapixels). ` +
        `Images above ${limits.maxPixels / 1e6} megapixels are refused before decoding, to protect your device's memory. Downscale it first.`,
    );
  }
  const integrity = checkIntegrity(bytes, format);
  if (integrity === 'truncated') {
    return refuse('truncated', fileName, `${name} is an incomplete ${formatName} file: it ends before the image data does (an interrupted download or copy?). Add the complete file.`);
  }
  if (integrity === 'corrupt') return refuse('corrupt', fileName, `${name} is a damaged ${formatName} file: its structure is broken.`);
  return { ok: true, format, dimensions };
}
