/**
 * Images entering the widget (picked, dropped, or sent by the host page) are judged by their
 * bytes with the chat page's own inspection (src/files): format by magic number, size, the pixel
 * count the header claims (before anything decodes it) and integrity.
 */
import { heicMessage, IMAGE_LIMITS, inspectImageBytes } from '../files/inspect.ts';
import { FORMAT_MIME } from '../files/sniff.ts';
import { ImageDecodeError } from '../../workers/errors.ts';
import { formatBytes } from '../lib/format.ts';
import { EMBED_LIMITS } from './protocol.ts';

/** An image in the widget's conversation. */
export interface EmbedImage {
  id: string;
  blob: Blob;
  /** Object URL for the thumbnail; revoked when the conversation is reset. */
  url: string;
}

/** Checks an image's bytes; resolves with a Blob typed by its real format. */
export async function checkImage(blob: Blob, fileName: string): Promise<Blob> {
  if (blob.size > EMBED_LIMITS.imageBytes) {
    throw new ImageDecodeError(`“${fileName}” is ${formatBytes(blob.size)}; the widget takes images up to ${formatBytes(EMBED_LIMITS.imageBytes)}.`, { image: fileName });
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const inspection = inspectImageBytes(bytes, fileName, { maxBytes: EMBED_LIMITS.imageBytes, maxPixels: IMAGE_LIMITS.maxPixels });
  if (!inspection.ok) throw new ImageDecodeError(inspection.refusal.message, { image: fileName });
  const typed = new Blob([bytes], { type: FORMAT_MIME[inspection.format] });
  if (inspection.format === 'heic') {
    // Only some browsers (Safari) decode HEIC: find out now rather than in the middle of an answer.
    const bitmap = await createImageBitmap(typed).catch(() => null);
    if (!bitmap) throw new ImageDecodeError(heicMessage(fileName), { image: fileName });
    bitmap.close();
  }
  return typed;
}

/** A checked image with an id and a thumbnail URL. */
export async function imageFromBlob(blob: Blob, fileName: string): Promise<EmbedImage> {
  const checked = await checkImage(blob, fileName);
  return { id: crypto.randomUUID(), blob: checked, url: URL.createObjectURL(checked) };
}
