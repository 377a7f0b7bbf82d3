import { describe, expect, it } from 'vitest';
import { pngClaiming, SVG } from '../files/__fixtures__/builders.ts';
import { fixtureBytes } from '../files/__fixtures__/images.ts';
import { checkImage } from './images.ts';
import { EMBED_LIMITS } from './protocol.ts';

/** A Blob of fixture bytes (copied into a plain ArrayBuffer, as a File's bytes are). */
const blobOf = (bytes: Uint8Array, type = '') => new Blob([bytes.slice().buffer as ArrayBuffer], { type });

describe('checkImage', () => {
  it('types an image by its bytes, whatever it claims to be', async () => {
    const png = blobOf(fixtureBytes('png'), 'text/plain');
    expect((await checkImage(png, 'photo.txt')).type).toBe('image/png');
    expect((await checkImage(blobOf(fixtureBytes('jpeg')), 'photo')).type).toBe('image/jpeg');
  });

  it('refuses empty, oversized, non-image and decompression-bomb files before decoding them', async () => {
    await expect(checkImage(new Blob([]), 'empty.png')).rejects.toThrow('empty');
    await expect(checkImage(blobOf(SVG, 'image/png'), 'logo.png')).rejects.toMatchObject({ name: 'ImageDecodeError', message: expect.stringContaining('SVG') });
    await expect(checkImage(new Blob([new Uint8Array(EMBED_LIMITS.imageBytes + 1)]), 'huge.jpg')).rejects.toThrow('MB');
    await expect(checkImage(blobOf(pngClaiming(100_000, 100_000)), 'bomb.png')).rejects.toThrow('megapixels');
  });
});
