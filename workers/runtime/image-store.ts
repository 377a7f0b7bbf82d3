/**
 * Decoded images by id. The page sends an image's pixels once (transferred, not copied); later
 * turns refer to it by id, so a follow-up question does not move or decode the image again.
 */
import { RawImage } from '@huggingface/transformers';
import { ImageDecodeError, InvalidRequestError } from '../errors.ts';
import type { ChatTurn, ImageSource } from '../protocol.ts';

/** Beyond this the page should have downscaled; refuse rather than allocate gigabytes. */
export const MAX_IMAGE_PIXELS = 50_000_000;
const MAX_IMAGES_KEPT = 48;

async function toBitmap(source: ImageSource, id: string): Promise<ImageBitmap> {
  if (source instanceof ImageBitmap) return source;
  try {
    return await createImageBitmap(new Blob([source.bytes], { type: source.type }), { imageOrientation: 'from-image' });
  } catch (error) {
    throw new ImageDecodeError(`Image ${id} could not be decoded (${source.type || 'unknown type'}): ${(error as Error).message}`, { image: id });
  }
}

function bitmapToRawImage(bitmap: ImageBitmap, id: string): RawImage {
  const { width, height } = bitmap;
  if (width === 0 || height === 0) throw new ImageDecodeError(`Image ${id} is empty (0 pixels).`, { image: id });
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(`Image ${id} is ${width}x${height}, more than ${MAX_IMAGE_PIXELS / 1e6} megapixels.`, { image: id });
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new ImageDecodeError('No 2D canvas is available in this worker.', { image: id });
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height);
  return new RawImage(data, width, height, 4);
}

export class ImageStore {
  private readonly images = new Map<string, RawImage>();

  /** Decodes every image the conversation brings that is not known yet; checks the rest exist. */
  async ingest(conversation: readonly ChatTurn[]): Promise<void> {
    for (const turn of conversation) {
      for (const input of turn.images ?? []) {
        if (typeof input?.id !== 'string') throw new InvalidRequestError('Every image needs a string id.');
        if (this.images.has(input.id)) {
          if (input.source instanceof ImageBitmap) input.source.close();
          // Refresh its place in the LRU order.
          const image = this.images.get(input.id)!;
          this.images.delete(input.id);
          this.images.set(input.id, image);
          continue;
        }
        if (!input.source) throw new InvalidRequestError(`Image ${input.id} is not known to the worker; send its pixels.`);
        const bitmap = await toBitmap(input.source, input.id);
        try {
          this.images.set(input.id, bitmapToRawImage(bitmap, input.id));
        } finally {
          bitmap.close();
        }
        while (this.images.size > MAX_IMAGES_KEPT) this.images.delete(this.images.keys().next().value!);
      }
    }
  }

  get map(): ReadonlyMap<string, RawImage> {
    return this.images;
  }

  ids(): string[] {
    return [...this.images.keys()];
  }

  clear(): void {
    this.images.clear();
  }
}
