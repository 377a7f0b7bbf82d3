/**
 * Test videos made by the tests, never downloaded: the browser encodes solid-colour frames with
 * WebCodecs (one colour per second, so a sampled frame's colour says which second it came from),
 * and mediabunny muxes the packets into WebM or MP4 here in Node. Bad files are made from good
 * ones: cut short, a codec renamed, frame sizes rewritten, audio only.
 */
import type { Page } from '@playwright/test';
import { BufferTarget, EncodedAudioPacketSource, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import type { FileSpec } from './chat-helpers.ts';

/** One colour per second, as [r, g, b]: far apart, so JPEG and YUV rounding never confuse them. */
export const SECOND_COLOURS: readonly [number, number, number][] = [
  [230, 30, 30],
  [30, 200, 30],
  [30, 30, 230],
  [230, 230, 30],
  [230, 30, 230],
  [30, 230, 230],
  [240, 240, 240],
  [20, 20, 20],
  [240, 140, 20],
  [120, 20, 200],
];

export interface ClipSpec {
  /** Frame times in seconds (each frame lasts until the next; the last lasts `lastFrameSeconds`). */
  times: number[];
  lastFrameSeconds: number;
  width?: number;
  height?: number;
  codec?: 'vp8' | 'vp9';
  container?: 'webm' | 'mp4';
  /** The colour of the frame at `time` (default: SECOND_COLOURS by whole second). */
  colourAt?: (time: number) => [number, number, number];
}

interface EncodedChunk {
  base64: string;
  key: boolean;
  timestamp: number;
  duration: number;
}

/** `seconds` of video at `fps` frames per second. */
export function evenTimes(seconds: number, fps: number): number[] {
  return Array.from({ length: Math.round(seconds * fps) }, (_, i) => i / fps);
}

const toBytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

/** Encodes the frames in the page (VideoEncoder), muxes them here. */
export async function makeVideo(page: Page, spec: ClipSpec): Promise<Buffer> {
  const { times, lastFrameSeconds, width = 160, height = 120, codec = 'vp8', container = 'webm' } = spec;
  const colourAt = spec.colourAt ?? ((time: number) => SECOND_COLOURS[Math.floor(time) % SECOND_COLOURS.length]!);
  const colours = times.map(colourAt);
  const encoded = await page.evaluate(
    async ({ times, lastFrameSeconds, width, height, codec, colours }) => {
      const chunks: { base64: string; key: boolean; timestamp: number; duration: number }[] = [];
      const encoder = new VideoEncoder({
        output: (chunk) => {
          const data = new Uint8Array(chunk.byteLength);
          chunk.copyTo(data);
          let binary = '';
          for (const byte of data) binary += String.fromCharCode(byte);
          chunks.push({ base64: btoa(binary), key: chunk.type === 'key', timestamp: chunk.timestamp / 1e6, duration: (chunk.duration ?? 0) / 1e6 });
        },
        error: (error) => {
          throw error;
        },
      });
      encoder.configure({ codec: codec === 'vp8' ? 'vp8' : 'vp09.00.10.08', width, height, bitrate: 200_000, framerate: 30 });
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d')!;
      for (let i = 0; i < times.length; i++) {
        const [r, g, b] = colours[i]!;
        context.fillStyle = `rgb(${r} ${g} ${b})`;
        context.fillRect(0, 0, width, height);
        const duration = (i + 1 < times.length ? times[i + 1]! : times[i]! + lastFrameSeconds) - times[i]!;
        const frame = new VideoFrame(canvas, { timestamp: Math.round(times[i]! * 1e6), duration: Math.round(duration * 1e6) });
        // A key frame every second of video: seeking never decodes far.
        encoder.encode(frame, { keyFrame: i === 0 || Math.floor(times[i]!) !== Math.floor(times[i - 1]!) });
        frame.close();
      }
      await encoder.flush();
      encoder.close();
      return chunks;
    },
    { times, lastFrameSeconds, width, height, codec, colours },
  );
  // The encoder may leave durations out: each frame lasts until the next, as the spec says.
  const timed = encoded.map((chunk, i) => ({ ...chunk, duration: (i + 1 < encoded.length ? encoded[i + 1]!.timestamp : chunk.timestamp + lastFrameSeconds) - chunk.timestamp }));
  return mux(timed, { width, height, codec, container });
}

async function mux(chunks: EncodedChunk[], { width, height, codec, container }: { width: number; height: number; codec: 'vp8' | 'vp9'; container: 'webm' | 'mp4' }): Promise<Buffer> {
  const target = new BufferTarget();
  const output = new Output({ format: container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat(), target });
  const source = new EncodedVideoPacketSource(codec);
  output.addVideoTrack(source);
  await output.start();
  let first = true;
  for (const chunk of chunks) {
    const packet = new EncodedPacket(toBytes(chunk.base64), chunk.key ? 'key' : 'delta', chunk.timestamp, chunk.duration);
    await source.add(packet, first ? { decoderConfig: { codec: codec === 'vp8' ? 'vp8' : 'vp09.00.10.08', codedWidth: width, codedHeight: height } } : undefined);
    first = false;
  }
  await output.finalize();
  return Buffer.from(target.buffer!);
}

/** A WebM holding only sound: a second of silence encoded as Opus in the page. */
export async function makeAudioOnly(page: Page): Promise<Buffer> {
  const encoded = await page.evaluate(async () => {
    const chunks: { base64: string; timestamp: number; duration: number }[] = [];
    let description: number[] | null = null;
    const encoder = new AudioEncoder({
      output: (chunk, metadata) => {
        const data = new Uint8Array(chunk.byteLength);
        chunk.copyTo(data);
        let binary = '';
        for (const byte of data) binary += String.fromCharCode(byte);
        chunks.push({ base64: btoa(binary), timestamp: chunk.timestamp / 1e6, duration: (chunk.duration ?? 0) / 1e6 });
        const config = metadata?.decoderConfig;
        if (config?.description && description === null) description = Array.from(new Uint8Array(config.description as ArrayBuffer));
      },
      error: (error) => {
        throw error;
      },
    });
    encoder.configure({ codec: 'opus', sampleRate: 48_000, numberOfChannels: 1, bitrate: 32_000 });
    const samples = 48_000;
    const data = new AudioData({ format: 'f32', sampleRate: 48_000, numberOfFrames: samples, numberOfChannels: 1, timestamp: 0, data: new Float32Array(samples) });
    encoder.encode(data);
    data.close();
    await encoder.flush();
    encoder.close();
    return { chunks, description };
  });
  const target = new BufferTarget();
  const output = new Output({ format: new WebMOutputFormat(), target });
  const source = new EncodedAudioPacketSource('opus');
  output.addAudioTrack(source);
  await output.start();
  let first = true;
  for (const chunk of encoded.chunks) {
    await source.add(
      new EncodedPacket(toBytes(chunk.base64), 'key', chunk.timestamp, chunk.duration),
      first ? { decoderConfig: { codec: 'opus', sampleRate: 48_000, numberOfChannels: 1, ...(encoded.description ? { description: new Uint8Array(encoded.description) } : {}) } } : undefined,
    );
    first = false;
  }
  await output.finalize();
  return Buffer.from(target.buffer!);
}

/** Replaces every occurrence of `from` with `to` (same length) in a copy of `bytes`. */
export function patchBytes(bytes: Buffer, from: readonly number[], to: readonly number[]): Buffer {
  if (from.length !== to.length) throw new Error('patchBytes keeps the length');
  const copy = Buffer.from(bytes);
  let at = copy.indexOf(Buffer.from(from));
  if (at < 0) throw new Error(`pattern ${Buffer.from(from).toString('hex')} not found`);
  while (at >= 0) {
    Buffer.from(to).copy(copy, at);
    at = copy.indexOf(Buffer.from(from), at + 1);
  }
  return copy;
}

export const webm = (name: string, buffer: Buffer): FileSpec => ({ name, mimeType: 'video/webm', buffer });
export const mp4 = (name: string, buffer: Buffer): FileSpec => ({ name, mimeType: 'video/mp4', buffer });
