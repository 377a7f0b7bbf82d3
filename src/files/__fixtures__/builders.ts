/** Hand-built files for the sniffing tests: bombs, fakes and damaged images no encoder would write. */

const encoder = new TextEncoder();

export function bytesOf(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part instanceof Uint8Array ? part : Uint8Array.from(part)));
  const out = new Uint8Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function u32be(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

export function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export function pngChunk(type: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const body = bytesOf(type, data);
  return bytesOf(u32be(data.length), body, u32be(crc32(body)));
}

/** A structurally complete PNG whose IHDR claims width x height (its pixel data is a stub). */
export function pngClaiming(width: number, height: number): Uint8Array {
  const ihdr = bytesOf(u32be(width), u32be(height), [8, 2, 0, 0, 0]);
  // zlib stream of an empty stored block: enough for structure checks, not for a decoder.
  const idat = Uint8Array.from([0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01]);
  return bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND'));
}

/** An uncompressed 24-bit BMP of the given size (grey pixels). */
export function bmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.floor((24 * width + 31) / 32) * 4;
  const pixels = new Uint8Array(rowBytes * height).fill(0x80);
  const header = bytesOf('BM', u32le(54 + pixels.length), u32le(0), u32le(54));
  const dib = bytesOf(u32le(40), u32le(width), u32le(height), [1, 0, 24, 0], u32le(0), u32le(pixels.length), u32le(2835), u32le(2835), u32le(0), u32le(0));
  return bytesOf(header, dib, pixels);
}

/** The first boxes of an iPhone-style HEIC: ftyp(heic) and a meta box with an `ispe` property. */
export function heicHeader(width = 4032, height = 3024): Uint8Array {
  const ftyp = bytesOf(u32be(24), 'ftyp', 'heic', u32be(0), 'mif1', 'heic');
  const ispe = bytesOf(u32be(20), 'ispe', u32be(0), u32be(width), u32be(height));
  const ipco = bytesOf(u32be(8 + ispe.length), 'ipco', ispe);
  const iprp = bytesOf(u32be(8 + ipco.length), 'iprp', ipco);
  const meta = bytesOf(u32be(12 + iprp.length), 'meta', u32be(0), iprp);
  const mdat = bytesOf(u32be(16), 'mdat', new Uint8Array(8).fill(0x11));
  return bytesOf(ftyp, meta, mdat);
}

/** A minimal PDF and a minimal ZIP (one stored file). */
export const PDF = bytesOf('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const ZIP = bytesOf([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0], new Uint8Array(20), 'a.txt', 'hello', [0x50, 0x4b, 0x05, 0x06], new Uint8Array(18));
export const SVG = bytesOf('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
