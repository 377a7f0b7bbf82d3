import { RawImage } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { ImagePixelsNeededError } from '../errors.ts';
import type { ChatTurn } from '../protocol.ts';
import { ImageStore } from './image-store.ts';

/** "Decodes" a source whose type names its size ("100x50"): RGBA pixels of that size. */
async function decodeBySize(source: { type: string } | ImageBitmap): Promise<RawImage> {
  const [width, height] = (source as { type: string }).type.split('x').map(Number) as [number, number];
  return new RawImage(new Uint8ClampedArray(width * height * 4), width, height, 4);
}

const sent = (id: string, width: number, height: number): ChatTurn => ({
  role: 'user',
  text: 'q',
  images: [{ id, source: { bytes: new ArrayBuffer(0), type: `${width}x${height}` } }],
});
const byId = (...ids: string[]): ChatTurn => ({ role: 'user', text: 'q', images: ids.map((id) => ({ id })) });

describe('ImageStore', () => {
  it('keeps pixels within its byte budget, dropping the least recently used first', async () => {
    const store = new ImageStore(100 * 100 * 4 * 2.5, decodeBySize); // room for two 100x100 images
    await store.ingest([sent('a', 100, 100)]);
    await store.ingest([sent('b', 100, 100)]);
    await store.ingest([byId('a')]); // a is now more recent than b
    await store.ingest([sent('c', 100, 100)]);
    expect(store.ids()).toEqual(['a', 'c']);
    expect(store.pixelBytes).toBeLessThanOrEqual(store.budgetBytes);
    // b's size is still known (a prompt can be laid out), its pixels are not.
    expect(store.map.get('b')).toMatchObject({ width: 100, height: 100 });
    expect(store.missingPixels(['a', 'b', 'c'])).toEqual(['b']);
    expect(() => store.pixels('b')).toThrow(ImagePixelsNeededError);
  });

  it("never drops the images a request brings, even when they alone exceed the budget", async () => {
    const store = new ImageStore(100 * 100 * 4, decodeBySize);
    await store.ingest([sent('old', 100, 100)]);
    await store.ingest([{ role: 'user', text: 'two', images: [...sent('x', 100, 100).images!, ...sent('y', 100, 100).images!] }]);
    expect(store.ids()).toEqual(['x', 'y']);
  });

  it('asks for the pixels of an image it never saw, naming every one', async () => {
    const store = new ImageStore(1e6, decodeBySize);
    await store.ingest([sent('a', 10, 10)]);
    const error = await store.ingest([byId('a', 'ghost', 'phantom')]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImagePixelsNeededError);
    expect((error as ImagePixelsNeededError).facts.images).toEqual(['ghost', 'phantom']);
  });

  it('takes pixels again for an image whose pixels were dropped, and frees them on request', async () => {
    const store = new ImageStore(1e6, decodeBySize);
    await store.ingest([sent('a', 10, 20)]);
    store.dropPixels(['a']);
    expect(store.pixelBytes).toBe(0);
    await store.ingest([byId('a')]); // known: no pixels needed just to lay out a prompt
    await store.ingest([sent('a', 10, 20)]);
    expect(store.pixels('a').width).toBe(10);
    expect(store.pixelBytes).toBe(10 * 20 * 4);
  });
});
