/**
 * Turns an image the host page already has into encoded bytes to transfer into the frame. Runs in
 * the host page, so it only ever reads what the host itself can read.
 */
import { EMBED_LIMITS, type ImageBytes } from '../embed/protocol.ts';
import { EmbedError } from './embed-error.ts';

/** What `ask({ images })` takes: a Blob/File, a URL to fetch, or anything `createImageBitmap` draws. */
export type HostImage = Blob | URL | string | ImageBitmapSource;

/** The model never looks at more than 2048 px; larger pictures only cost transfer and encoding. */
const MAX_EDGE = 2048;

export async function toImageBytes(image: HostImage): Promise<ImageBytes> {
  let blob: Blob;
  if (image instanceof Blob) blob = image;
  else if (typeof image === 'string' || image instanceof URL) {
    // The host's own fetch: its connect-src and CORS rules apply, as to any fetch it makes.
    const response = await fetch(image);
    if (!response.ok) throw new EmbedError('ImageDecodeError', `Fetching ${String(image)} failed: HTTP ${response.status}.`);
    blob = await response.blob();
  } else blob = await rasterize(image);
  if (blob.size === 0) throw new EmbedError('InvalidRequestError', 'An image is empty.');
  if (blob.size > EMBED_LIMITS.imageBytes) {
    throw new EmbedError('InvalidRequestError', `An image is ${blob.size} bytes; the limit is ${EMBED_LIMITS.imageBytes}.`);
  }
  return { bytes: await blob.arrayBuffer(), type: blob.type.slice(0, 100) };
}

/** Draws what the page shows (an <img>, canvas, bitmap, video frame) and encodes it as PNG. */
async function rasterize(source: ImageBitmapSource): Promise<Blob> {
  try {
    if (source instanceof HTMLImageElement) await source.decode();
    const bitmap = await createImageBitmap(source);
    try {
      const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return await canvas.convertToBlob({ type: 'image/png' });
    } finally {
      bitmap.close();
    }
  } catch (error) {
    const tainted = (error as Error).name === 'SecurityError';
    throw new EmbedError(
      'ImageDecodeError',
      tainted
        ? 'The page cannot read this image’s pixels (another site served it without CORS). Use crossorigin="anonymous" on the <img>, or pass a Blob.'
        : `The image could not be read: ${(error as Error).message}`,
    );
  }
}
