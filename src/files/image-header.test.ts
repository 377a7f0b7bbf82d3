import { describe, expect, it } from 'vitest';
import { fixtureBytes } from './__fixtures__/images.ts';
import { bmp, bytesOf, heicHeader, pngChunk, pngClaiming } from './__fixtures__/builders.ts';
import { checkIntegrity, readDimensions } from './image-header.ts';

describe('readDimensions', () => {
  it('reads the header of every accepted format', () => {
    expect(readDimensions(fixtureBytes('jpeg'), 'jpeg')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('png'), 'png')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('webpLossy'), 'webp')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('webpLossless'), 'webp')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('webpAlpha'), 'webp')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('gif'), 'gif')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(fixtureBytes('avif'), 'avif')).toEqual({ width: 40, height: 30 });
    expect(readDimensions(bmp(7, 5), 'bmp')).toEqual({ width: 7, height: 5 });
    expect(readDimensions(heicHeader(4032, 3024), 'heic')).toEqual({ width: 4032, height: 3024 });
  });

  it('skips the EXIF thumbnail and finds the progressive frame header', () => {
    expect(readDimensions(fixtureBytes('jpegProgressiveExif'), 'jpeg')).toEqual({ width: 64, height: 48 });
  });

  it('reads what a decompression bomb claims without decoding it', () => {
    expect(readDimensions(pngClaiming(30000, 30000), 'png')).toEqual({ width: 30000, height: 30000 });
  });

  it('returns null when the header is cut off', () => {
    expect(readDimensions(fixtureBytes('png').subarray(0, 20), 'png')).toBeNull();
    expect(readDimensions(fixtureBytes('jpeg').subarray(0, 100), 'jpeg')).toBeNull();
    expect(readDimensions(fixtureBytes('webpLossy').subarray(0, 22), 'webp')).toBeNull();
    expect(readDimensions(fixtureBytes('gif').subarray(0, 8), 'gif')).toBeNull();
  });
});

describe('checkIntegrity', () => {
  it('accepts complete files', () => {
    for (const name of ['jpeg', 'jpegProgressiveExif'] as const) expect(checkIntegrity(fixtureBytes(name), 'jpeg')).toBe('ok');
    expect(checkIntegrity(fixtureBytes('png'), 'png')).toBe('ok');
    expect(checkIntegrity(fixtureBytes('gif'), 'gif')).toBe('ok');
    for (const name of ['webpLossy', 'webpLossless', 'webpAlpha'] as const) expect(checkIntegrity(fixtureBytes(name), 'webp')).toBe('ok');
    expect(checkIntegrity(fixtureBytes('avif'), 'avif')).toBe('ok');
    expect(checkIntegrity(bmp(7, 5), 'bmp')).toBe('ok');
    expect(checkIntegrity(pngClaiming(3, 3), 'png')).toBe('ok');
  });

  it('finds files cut short, at any point', () => {
    const cases = [
      ['jpeg', fixtureBytes('jpegProgressiveExif')],
      ['png', fixtureBytes('png')],
      ['gif', fixtureBytes('gif')],
      ['webp', fixtureBytes('webpLossy')],
      ['avif', fixtureBytes('avif')],
      ['bmp', bmp(7, 5)],
    ] as const;
    for (const [format, bytes] of cases) {
      for (const keep of [0.5, 0.9]) {
        const cut = bytes.subarray(0, Math.floor(bytes.length * keep));
        expect(checkIntegrity(cut, format), `${format} cut to ${keep}`).toBe('truncated');
      }
      expect(checkIntegrity(bytes.subarray(0, bytes.length - 1), format), `${format} minus its last byte`).toBe('truncated');
    }
  });

  it('finds damaged structure', () => {
    const png = fixtureBytes('png').slice();
    png[12 + 4 + 13 + 4 + 4] = 0x00; // the type of the chunk after IHDR
    expect(checkIntegrity(png, 'png')).toBe('corrupt');
    const noImageData = bytesOf(fixtureBytes('png').subarray(0, 33), pngChunk('IEND'));
    expect(checkIntegrity(noImageData, 'png')).toBe('corrupt');
    const jpeg = fixtureBytes('jpeg').slice();
    jpeg[2] = 0x00; // no marker where one must be
    expect(checkIntegrity(jpeg, 'jpeg')).toBe('corrupt');
  });
});
