import { describe, expect, it } from 'vitest';
import { fixtureBytes } from './__fixtures__/images.ts';
import { bmp, bytesOf, heicHeader, PDF, pngClaiming, SVG, ZIP } from './__fixtures__/builders.ts';
import { sniffKind } from './sniff.ts';

describe('sniffKind', () => {
  it('recognises every accepted format from real encoder output', () => {
    expect(sniffKind(fixtureBytes('jpeg'))).toBe('jpeg');
    expect(sniffKind(fixtureBytes('jpegProgressiveExif'))).toBe('jpeg');
    expect(sniffKind(fixtureBytes('png'))).toBe('png');
    expect(sniffKind(fixtureBytes('webpLossy'))).toBe('webp');
    expect(sniffKind(fixtureBytes('webpLossless'))).toBe('webp');
    expect(sniffKind(fixtureBytes('webpAlpha'))).toBe('webp');
    expect(sniffKind(fixtureBytes('gif'))).toBe('gif');
    expect(sniffKind(fixtureBytes('avif'))).toBe('avif');
    expect(sniffKind(bmp(4, 3))).toBe('bmp');
  });

  it('names the non-images people rename to .jpg or .png', () => {
    expect(sniffKind(new Uint8Array())).toBe('empty');
    expect(sniffKind(PDF)).toBe('pdf');
    expect(sniffKind(ZIP)).toBe('zip');
    expect(sniffKind(SVG)).toBe('svg');
    expect(sniffKind(bytesOf('\ufeff  <svg viewBox="0 0 1 1"></svg>'))).toBe('svg');
    expect(sniffKind(heicHeader())).toBe('heic');
    expect(sniffKind(bytesOf([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe('tiff');
    expect(sniffKind(bytesOf([0, 0, 0, 24], 'ftypisom', [0, 0, 2, 0], 'isomiso2'))).toBe('video');
  });

  it('does not trust look-alikes', () => {
    expect(sniffKind(bytesOf('BMW is a car, not a bitmap.'))).toBe('unknown');
    expect(sniffKind(bytesOf('<html><body>not an svg</body></html>'))).toBe('unknown');
    expect(sniffKind(bytesOf('RIFF\0\0\0\0WAVEfmt '))).toBe('unknown');
    expect(sniffKind(bytesOf([0xff, 0xd8]))).toBe('unknown');
    expect(sniffKind(bytesOf('hello'))).toBe('unknown');
  });

  it('judges bytes, whatever the name says (the name is not even an input)', () => {
    expect(sniffKind(pngClaiming(10, 10))).toBe('png');
  });
});
