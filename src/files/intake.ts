/**
 * A file a person added (picked, dropped, pasted or captured) becomes an attachment, or a refusal
 * with a specific message. Bytes are judged first (inspect.ts); only then does the browser decode
 * the image, once, to prove it decodes and to learn its displayed size (EXIF orientation applied).
 */
import { newId } from '../lib/ids.ts';
import { formatBytes } from '../lib/format.ts';
import { heicMessage, IMAGE_LIMITS, inspectImageBytes, quoteName, undecodableMessage, type ImageLimits, type Refusal } from './inspect.ts';
import { gifFrameCount } from './image-header.ts';
import { FORMAT_MIME, type ImageFormat } from './sniff.ts';

/** An image waiting in the composer or stored with a message. */
export interface Attachment {
  id: string;
  /** The file's bytes, typed by what they are (not by the file name). */
  blob: Blob;
  name: string;
  format: ImageFormat | 'heic';
  /** Displayed size: after EXIF orientation. */
  width: number;
  height: number;
  /** What the model will see differs from the file in a way the person should know (an animated GIF). */
  note?: string;
}

export type IntakeResult = { ok: true; attachment: Attachment } | { ok: false; refusal: Refusal };

/** Decodes an image to learn its displayed size; throws when the browser cannot decode it. */
export type ImageDecoder = (blob: Blob) => Promise<{ width: number; height: number }>;

export const decodeWithBrowser: ImageDecoder = async (blob) => {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  try {
    return { width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
};

function refusal(refused: Refusal): IntakeResult {
  return { ok: false, refusal: refused };
}

export async function intakeImageFile(
  file: File,
  { limits = IMAGE_LIMITS, decode = decodeWithBrowser }: { limits?: ImageLimits; decode?: ImageDecoder } = {},
): Promise<IntakeResult> {
  const name = file.name || 'pasted image';
  // Cheap checks first: neither needs the bytes.
  if (file.size === 0) return refusal({ reason: 'empty', fileName: name, message: `${quoteName(name)} is empty (0 bytes): there is no image in it.` });
  if (file.size > limits.maxBytes) {
    return refusal({
      reason: 'file-too-large',
      fileName: name,
      message: `${quoteName(name)} is ${formatBytes(file.size)}; images up to ${formatBytes(limits.maxBytes)} are accepted. Downscale or compress it first.`,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    return refusal({ reason: 'unreadable', fileName: name, message: `${quoteName(name)} could not be read (${(error as Error).message}). Was it moved or deleted?` });
  }
  const inspection = inspectImageBytes(bytes, name, limits);
  if (!inspection.ok) return refusal(inspection.refusal);
  const { format } = inspection;
  const blob = new Blob([bytes as BlobPart], { type: FORMAT_MIME[format] });
  let size: { width: number; height: number };
  try {
    size = await decode(blob);
  } catch {
    return refusal(
      format === 'heic'
        ? { reason: 'unsupported-format', fileName: name, message: heicMessage(name) }
        : { reason: 'undecodable', fileName: name, message: undecodableMessage(name, format) },
    );
  }
  if (!(size.width > 0 && size.height > 0)) return refusal({ reason: 'undecodable', fileName: name, message: undecodableMessage(name, format) });
  // Browsers decode an animated GIF's first frame (video is another matter): say so.
  const note = format === 'gif' && gifFrameCount(bytes) > 1 ? 'Animated GIF: the model sees its first frame only.' : undefined;
  return { ok: true, attachment: { id: newId('img'), blob, name, format, width: size.width, height: size.height, ...(note ? { note } : {}) } };
}
