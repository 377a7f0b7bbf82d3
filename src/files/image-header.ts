/**
 * Reads an image's pixel size from its header and checks that the file is complete, without
 * decoding it: a decompression bomb (a tiny file whose header claims gigapixels) is refused before
 * any decoder allocates memory for it, and a truncated download is named as such (browsers decode
 * a truncated JPEG or GIF "successfully", with the missing part grey). Pure: runs in Node.
 */
import { ascii, type ImageFormat } from './sniff.ts';

export interface Dimensions {
  width: number;
  height: number;
}

/** Why a file's structure is not usable; `ok` when it is complete as far as we can tell. */
export type Integrity = 'ok' | 'truncated' | 'corrupt';

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** JPEG start-of-frame markers (baseline, extended, progressive, lossless, arithmetic): not DHT (C4), JPG (C8) or DAC (CC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
/** Markers without a length field. */
const JPEG_STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);

type JpegWalk = { sof?: Dimensions; sosAt?: number; outcome: Integrity };

/**
 * Walks JPEG segments by their lengths up to the first start-of-scan, so the thumbnail frame inside
 * an EXIF APP1 segment is never mistaken for the image's own frame header.
 */
function walkJpeg(bytes: Uint8Array): JpegWalk {
  const data = view(bytes);
  let offset = 2;
  let sof: Dimensions | undefined;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) return { sof, outcome: 'corrupt' };
    // Any number of 0xFF fill bytes may precede a marker.
    while (offset < bytes.length && bytes[offset] === 0xff) offset++;
    if (offset >= bytes.length) break;
    const marker = bytes[offset]!;
    offset++;
    if (JPEG_STANDALONE.has(marker)) continue;
    if (marker === 0xd9) return { sof, outcome: 'corrupt' }; // end of image before any scan
    if (offset + 2 > bytes.length) break;
    const length = data.getUint16(offset);
    if (length < 2) return { sof, outcome: 'corrupt' };
    if (JPEG_SOF.has(marker)) {
      if (offset + 7 > bytes.length) break;
      sof = { height: data.getUint16(offset + 3), width: data.getUint16(offset + 5) };
    }
    if (marker === 0xda) return { sof, sosAt: offset + length, outcome: sof ? 'ok' : 'corrupt' };
    offset += length;
  }
  return { sof, outcome: 'truncated' };
}

/** An end-of-image marker after the first scan: entropy-coded data never contains FF D9. */
function jpegHasEnd(bytes: Uint8Array, from: number): boolean {
  for (let i = Math.max(from, 0); i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

/** Width and height from an ISO-BMFF image (AVIF/HEIF): the largest `ispe` property. */
function isoBmffDimensions(bytes: Uint8Array): Dimensions | null {
  const data = view(bytes);
  let best: Dimensions | null = null;
  for (let i = 4; i + 16 <= bytes.length; i++) {
    // 'ispe' full box: size(4) 'ispe' version/flags(4) width(4) height(4).
    if (bytes[i] !== 0x69 || bytes[i + 1] !== 0x73 || bytes[i + 2] !== 0x70 || bytes[i + 3] !== 0x65) continue;
    if (data.getUint32(i - 4) !== 20) continue;
    const candidate = { width: data.getUint32(i + 8), height: data.getUint32(i + 12) };
    if (!best || candidate.width * candidate.height > best.width * best.height) best = candidate;
  }
  return best;
}

/**
 * Pixel size claimed by the header, or null when the header is cut short or unreadable. Dimensions
 * are as stored (before EXIF rotation): the pixel count is what matters for memory.
 */
export function readDimensions(bytes: Uint8Array, format: ImageFormat | 'heic'): Dimensions | null {
  const data = view(bytes);
  switch (format) {
    case 'png':
      if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
      return { width: data.getUint32(16), height: data.getUint32(20) };
    case 'gif':
      if (bytes.length < 10) return null;
      return { width: data.getUint16(6, true), height: data.getUint16(8, true) };
    case 'bmp': {
      if (bytes.length < 26) return null;
      const dibSize = data.getUint32(14, true);
      if (dibSize === 12) return { width: data.getUint16(18, true), height: data.getUint16(20, true) };
      // Height is negative for top-down bitmaps.
      return { width: Math.abs(data.getInt32(18, true)), height: Math.abs(data.getInt32(22, true)) };
    }
    case 'webp': {
      const chunk = ascii(bytes, 12, 4);
      if (chunk === 'VP8X') {
        if (bytes.length < 30) return null;
        const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
        const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
        return { width, height };
      }
      if (chunk === 'VP8 ') {
        if (bytes.length < 30 || bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null;
        return { width: data.getUint16(26, true) & 0x3fff, height: data.getUint16(28, true) & 0x3fff };
      }
      if (chunk === 'VP8L') {
        if (bytes.length < 25 || bytes[20] !== 0x2f) return null;
        const bits = data.getUint32(21, true);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      return null;
    }
    case 'jpeg':
      return walkJpeg(bytes).sof ?? null;
    case 'avif':
    case 'heic':
      return isoBmffDimensions(bytes);
  }
}

function pngIntegrity(bytes: Uint8Array): Integrity {
  const data = view(bytes);
  let offset = 8;
  let sawImageData = false;
  while (offset + 8 <= bytes.length) {
    const length = data.getUint32(offset);
    const type = ascii(bytes, offset + 4, 4);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) return 'corrupt';
    if (offset + 12 + length > bytes.length) return 'truncated';
    if (type === 'IDAT') sawImageData = true;
    if (type === 'IEND') return sawImageData ? 'ok' : 'corrupt';
    offset += 12 + length;
  }
  return 'truncated';
}

/** Walks a GIF's blocks: whether it is whole, and how many frames (image descriptors) it has. */
function walkGif(bytes: Uint8Array): { integrity: Integrity; frames: number } {
  let offset = 13;
  if (bytes.length < offset) return { integrity: 'truncated', frames: 0 };
  const colorTableSize = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  offset += colorTableSize(bytes[10]!);
  /** Skips data sub-blocks; returns the offset after the terminator, or -1 when cut short. */
  const skipSubBlocks = (at: number): number => {
    while (at < bytes.length) {
      const size = bytes[at]!;
      at += 1 + size;
      if (size === 0) return at;
    }
    return -1;
  };
  let frames = 0;
  while (offset < bytes.length) {
    const block = bytes[offset]!;
    if (block === 0x3b) return { integrity: frames > 0 ? 'ok' : 'corrupt', frames };
    if (block === 0x21) {
      offset = skipSubBlocks(offset + 2);
    } else if (block === 0x2c) {
      if (offset + 10 > bytes.length) return { integrity: 'truncated', frames };
      offset += 10 + colorTableSize(bytes[offset + 9]!) + 1; // + LZW minimum code size
      offset = skipSubBlocks(offset);
      frames++;
    } else {
      return { integrity: 'corrupt', frames };
    }
    if (offset < 0) return { integrity: 'truncated', frames };
  }
  return { integrity: 'truncated', frames };
}

/** Frames in a GIF: more than one is an animation, of which browsers decode the first frame. */
export function gifFrameCount(bytes: Uint8Array): number {
  return walkGif(bytes).frames;
}

function bmpIntegrity(bytes: Uint8Array): Integrity {
  if (bytes.length < 30) return 'truncated';
  const data = view(bytes);
  const pixelOffset = data.getUint32(10, true);
  if (pixelOffset > bytes.length) return 'truncated';
  const dims = readDimensions(bytes, 'bmp');
  const dibSize = data.getUint32(14, true);
  const bitsPerPixel = dibSize === 12 ? data.getUint16(24, true) : data.getUint16(28, true);
  const compression = dibSize === 12 ? 0 : data.getUint32(30, true);
  if (!dims || ![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) return 'corrupt';
  if (compression === 0 || compression === 3) {
    const rowBytes = Math.floor((bitsPerPixel * dims.width + 31) / 32) * 4;
    if (pixelOffset + rowBytes * dims.height > bytes.length) return 'truncated';
  } else {
    const declaredSize = data.getUint32(2, true);
    if (declaredSize > bytes.length) return 'truncated';
  }
  return 'ok';
}

function isoBmffIntegrity(bytes: Uint8Array): Integrity {
  const data = view(bytes);
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = data.getUint32(offset);
    if (size === 1) {
      if (offset + 16 > bytes.length) return 'truncated';
      size = Number(data.getBigUint64(offset + 8));
    } else if (size === 0) {
      return 'ok'; // the last box runs to the end of the file
    }
    if (size < 8) return 'corrupt';
    if (offset + size > bytes.length) return 'truncated';
    offset += size;
  }
  return offset === bytes.length ? 'ok' : 'truncated';
}

/** Whether the whole file is there: each format's own structure is walked to its end marker. */
export function checkIntegrity(bytes: Uint8Array, format: ImageFormat | 'heic'): Integrity {
  switch (format) {
    case 'jpeg': {
      const walk = walkJpeg(bytes);
      if (walk.outcome !== 'ok') return walk.outcome;
      return jpegHasEnd(bytes, walk.sosAt!) ? 'ok' : 'truncated';
    }
    case 'png':
      return pngIntegrity(bytes);
    case 'gif':
      return walkGif(bytes).integrity;
    case 'webp': {
      if (bytes.length < 12) return 'truncated';
      const riffSize = view(bytes).getUint32(4, true);
      if (riffSize < 4) return 'corrupt';
      return bytes.length < 8 + riffSize ? 'truncated' : 'ok';
    }
    case 'bmp':
      return bmpIntegrity(bytes);
    case 'avif':
    case 'heic':
      return isoBmffIntegrity(bytes);
  }
}
