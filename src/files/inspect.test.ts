import { describe, expect, it } from 'vitest';
import { fixtureBytes } from './__fixtures__/images.ts';
import { bmp, heicHeader, PDF, pngClaiming, SVG, ZIP } from './__fixtures__/builders.ts';
import { IMAGE_LIMITS, inspectImageBytes } from './inspect.ts';

function refusal(bytes: Uint8Array, name: string, limits = IMAGE_LIMITS) {
  const result = inspectImageBytes(bytes, name, limits);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.refusal;
}

describe('inspectImageBytes', () => {
  it('accepts the six formats with the size their header claims', () => {
    expect(inspectImageBytes(fixtureBytes('jpeg'), 'a.jpg')).toEqual({ ok: true, format: 'jpeg', dimensions: { width: 40, height: 30 } });
    expect(inspectImageBytes(fixtureBytes('png'), 'a.png')).toMatchObject({ ok: true, format: 'png' });
    expect(inspectImageBytes(fixtureBytes('webpAlpha'), 'a.webp')).toMatchObject({ ok: true, format: 'webp' });
    expect(inspectImageBytes(fixtureBytes('gif'), 'a.gif')).toMatchObject({ ok: true, format: 'gif' });
    expect(inspectImageBytes(fixtureBytes('avif'), 'a.avif')).toMatchObject({ ok: true, format: 'avif' });
    expect(inspectImageBytes(bmp(9, 9), 'a.bmp')).toMatchObject({ ok: true, format: 'bmp' });
  });

  it('lets a HEIC through to the decoder (some browsers decode it)', () => {
    expect(inspectImageBytes(heicHeader(), 'IMG_0001.HEIC')).toMatchObject({ ok: true, format: 'heic' });
  });

  it('accepts an image whatever its name says', () => {
    expect(inspectImageBytes(fixtureBytes('png'), 'photo.jpg')).toMatchObject({ ok: true, format: 'png' });
  });

  it('refuses each bad input with its own message', () => {
    expect(refusal(new Uint8Array(), 'empty.jpg')).toMatchObject({ reason: 'empty', message: expect.stringMatching(/“empty\.jpg” is empty \(0 bytes\)/) });
    expect(refusal(PDF, 'report.jpg')).toMatchObject({ reason: 'not-an-image', message: expect.stringMatching(/“report\.jpg” \(despite its \.jpg name\) is a PDF document/) });
    expect(refusal(ZIP, 'photos.png').message).toMatch(/is a ZIP archive/);
    expect(refusal(SVG, 'logo.svg').message).toMatch(/is an SVG drawing/);
    expect(refusal(new TextEncoder().encode('just text'), 'notes.txt').message).toMatch(/not an image this app can read/);
    const truncated = fixtureBytes('jpegProgressiveExif');
    expect(refusal(truncated.subarray(0, truncated.length >> 1), 'cut.jpg')).toMatchObject({ reason: 'truncated', message: expect.stringMatching(/incomplete JPEG file/) });
    expect(refusal(fixtureBytes('png').subarray(0, 16), 'header.png')).toMatchObject({ reason: 'truncated' });
  });

  it('refuses a decompression bomb from its header, before any decoding', () => {
    const bomb = refusal(pngClaiming(30000, 30000), 'bomb.png');
    expect(bomb.reason).toBe('too-many-pixels');
    expect(bomb.message).toMatch(/claims to be 30,000 × 30,000 pixels \(900 megapixels\)/);
    expect(bomb.message).toMatch(/above 50 megapixels/);
    expect(refusal(heicHeader(20000, 20000), 'big.heic').reason).toBe('too-many-pixels');
  });

  it('enforces the pixel and byte caps at their edges', () => {
    const limits = { maxBytes: 1000, maxPixels: 100 * 100 };
    expect(inspectImageBytes(pngClaiming(100, 100), 'edge.png', limits).ok).toBe(true);
    expect(refusal(pngClaiming(100, 101), 'over.png', limits).reason).toBe('too-many-pixels');
    expect(refusal(bmp(20, 20), 'heavy.bmp', limits)).toMatchObject({ reason: 'file-too-large', message: expect.stringMatching(/is 1.25 kB; images up to 1.00 kB/) });
    expect(IMAGE_LIMITS.maxPixels).toBe(50_000_000);
  });

  it('calls a zero-sized header damaged', () => {
    expect(refusal(pngClaiming(0, 10), 'zero.png').reason).toBe('corrupt');
  });
});
