/**
 * Decoded images by id. The page sends an image's pixels once (transferred, not copied); later
 * turns refer to it by id, so a follow-up question does not move or decode the image again.
 */
import { RawImage } from '@huggingface/transformers';
import { xxhash128 } from 'hash-wasm';
import { ImageDecodeError, ImagePixelsNeededError, InvalidRequestError } from '../errors.ts';
import type { ImageSize } from '../families/family.ts';
import type { ChatTurn, ImageSource } from '../protocol.ts';

/** Beyond this the page should have downscaled; refuse rather than allocate gigabytes. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/**
 * Decoded pixels kept at most, in bytes (RGBA): about seven photos at the 2048 px edge the page
 * sends (src/bridge/images.ts). One message's own images are always kept, whatever their size.
 */
export const PIXEL_BUDGET_BYTES = 128 * 1024 * 1024;
/** Images whose size is remembered (a few numbers each) after their pixels are gone. */
const MAX_IMAGES_KNOWN = 512;

async function toBitmap(source: ImageSource, id: string): Promise<ImageBitmap> {
  if (source instanceof ImageBitmap) return source;
  try {
    return await createImageBitmap(new Blob([source.bytes], { type: source.type }), { imageOrientation: 'from-image' });
  } catch (error) {
    throw new ImageDecodeError(`Image ${id} could not be decoded (${source.type || 'unknown type'}): ${(error as Error).message}`, { image: id });
  }
}

/** An image as the page sent it, decoded to RGBA pixels. */
export async function decodeImage(source: ImageSource, id: string): Promise<RawImage> {
  const bitmap = await toBitmap(source, id);
  try {
    return bitmapToRawImage(bitmap, id);
  } finally {
    bitmap.close();
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

/** An image the worker knows: its size and content hash always, its pixels while they are kept. */
export interface StoredImage extends ImageSize {
  readonly id: string;
  readonly contentHash: string;
}

/**
 * What identifies an image's content: its size and a 128-bit hash of its RGBA pixels (xxHash,
 * about 10 ms for 16 MB). Features are keyed by it, so the same picture attached again (a new
 * chat, another attachment) is not encoded again.
 */
export async function pixelHash(image: RawImage): Promise<string> {
  const data = image.data as Uint8Array | Uint8ClampedArray;
  return `${image.width}x${image.height}:${await xxhash128(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))}`;
}

interface Entry extends StoredImage {
  pixels: RawImage | null;
}

function pixelBytes(image: RawImage): number {
  return image.data.byteLength;
}

/**
 * Decoded images by id, within a memory bound. Pixels are needed only to encode an image, which
 * happens once per image while the KV cache keeps its tokens: after a prefill the engine drops the
 * pixels the cache covers, and the store never holds more than `budgetBytes` (least recently used
 * go first, never the ones the current request just brought). An image's size stays known, so a
 * prompt can still be laid out; if its pixels are needed again (the cache was cut before it), the
 * engine asks the page to send them (ImagePixelsNeededError) before anything runs.
 */
export class ImageStore {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly budgetBytes = PIXEL_BUDGET_BYTES,
    private readonly decode: (source: ImageSource, id: string) => Promise<RawImage> = decodeImage,
  ) {}

  /** Decodes every image the conversation sends; checks that the others are known. */
  async ingest(conversation: readonly ChatTurn[]): Promise<void> {
    const brought = new Set<string>();
    const unknown: string[] = [];
    for (const turn of conversation) {
      for (const input of turn.images ?? []) {
        if (typeof input?.id !== 'string') throw new InvalidRequestError('Every image needs a string id.');
        const known = this.#entries.get(input.id);
        if (input.source && !known?.pixels) {
          const pixels = await this.decode(input.source, input.id);
          const contentHash = await pixelHash(pixels);
          this.#entries.delete(input.id);
          this.#entries.set(input.id, { id: input.id, width: pixels.width, height: pixels.height, contentHash, pixels });
          brought.add(input.id);
          continue;
        }
        if (typeof ImageBitmap !== 'undefined' && input.source instanceof ImageBitmap) input.source.close();
        if (!known) {
          unknown.push(input.id);
          continue;
        }
        // Refresh its place in the least-recently-used order.
        this.#entries.delete(input.id);
        this.#entries.set(input.id, known);
      }
    }
    if (unknown.length) {
      throw new ImagePixelsNeededError(`${unknown.length === 1 ? `Image ${unknown[0]} is` : `Images ${unknown.join(', ')} are`} not known to the worker; send the pixels.`, {
        images: unknown,
      });
    }
    this.#keepWithinBudget(brought);
    while (this.#entries.size > MAX_IMAGES_KNOWN) this.#entries.delete(this.#entries.keys().next().value!);
  }

  #keepWithinBudget(keep: ReadonlySet<string>): void {
    let bytes = this.pixelBytes;
    for (const entry of this.#entries.values()) {
      if (bytes <= this.budgetBytes) return;
      if (!entry.pixels || keep.has(entry.id)) continue;
      bytes -= pixelBytes(entry.pixels);
      entry.pixels = null;
    }
  }

  /** The known images by id (sizes only: `pixels()` gives the pixels). */
  get map(): ReadonlyMap<string, StoredImage> {
    return this.#entries;
  }

  /** The ids among `ids` whose pixels are not held. */
  missingPixels(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.#entries.get(id)?.pixels);
  }

  pixels(id: string): RawImage {
    const pixels = this.#entries.get(id)?.pixels;
    if (!pixels) throw new ImagePixelsNeededError(`The pixels of image ${id} are not in the worker's memory; send them again.`, { images: [id] });
    return pixels;
  }

  /** Frees the pixels of images whose features no longer need computing (the KV cache holds them). */
  dropPixels(ids: Iterable<string>): void {
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry) entry.pixels = null;
    }
  }

  /** Ids whose pixels are held, oldest first. */
  ids(): string[] {
    return [...this.#entries.values()].filter((entry) => entry.pixels).map((entry) => entry.id);
  }

  get pixelBytes(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.pixels ? pixelBytes(entry.pixels) : 0;
    return total;
  }

  clear(): void {
    this.#entries.clear();
  }
}
