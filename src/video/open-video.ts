/**
 * Opens a video file to sample frames from it, without reading it whole: mediabunny demuxes it
 * (MP4/MOV, WebM/MKV...) reading only the byte ranges it needs from the File, and WebCodecs
 * decodes the frames asked for. When mediabunny cannot read the container or WebCodecs cannot
 * decode the codec, a `<video>` element (which streams from a blob URL) with a canvas takes over.
 * Every failure becomes a refusal that says what is wrong with the file.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, Input, type InputVideoTrack } from 'mediabunny';
import { IMAGE_LIMITS, quoteName, type Refusal } from '../files/index.ts';
import type { VideoTiming } from '../../workers/models/video.ts';

/** What is known of a video before any frame is decoded. */
export interface VideoFacts extends VideoTiming {
  name: string;
  /** Displayed size (after rotation metadata). */
  width: number;
  height: number;
  /** Codec name as the demuxer reports it ("vp8", "avc"...), null when unknown. */
  codec: string | null;
  /** Which path decodes the frames. */
  decoder: 'webcodecs' | 'video-element';
}

/** A sampled frame as a canvas, with the time it shows. */
export interface DecodedFrame {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  /** Seconds from the start of the video. */
  time: number;
}

export interface OpenedVideo {
  facts: VideoFacts;
  /** Decodes the frames shown at `times` (seconds, ascending), scaled so the longest edge is at most `maxEdge`. */
  frames(times: readonly number[], maxEdge: number, signal: AbortSignal): AsyncGenerator<DecodedFrame>;
  close(): void;
}

export type OpenResult = { ok: true; video: OpenedVideo } | { ok: false; refusal: Refusal };

/** A frame the browser would have to hold larger than this is refused before decoding (as for images). */
export const MAX_VIDEO_PIXELS = IMAGE_LIMITS.maxPixels;
/** Packets read to estimate the frame rate. */
const STATS_PACKETS = 120;
/** How long the `<video>` fallback may take to read a file's header. */
const ELEMENT_TIMEOUT_MS = 15_000;

function refuse(reason: Refusal['reason'], fileName: string, message: string): OpenResult {
  return { ok: false, refusal: { reason, fileName, message } };
}

/** The video's frame size scaled so its longest edge is at most `maxEdge` (never enlarged). */
export function frameSizeFor(width: number, height: number, maxEdge: number): { width: number; height: number } {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The time to decode for a frame index: the middle of the frame, so rounding in the container never picks its neighbour. */
function frameQueryTime(time: number, facts: VideoTiming): number {
  return Math.min(time + 0.5 / facts.fps, Math.max(0, facts.durationSeconds - 1e-3));
}

export async function openVideo(file: File): Promise<OpenResult> {
  const name = file.name || 'pasted video';
  const quoted = quoteName(name);
  if (file.size === 0) return refuse('empty', name, `${quoted} is empty (0 bytes): there is no video in it.`);
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  let track: InputVideoTrack | null;
  try {
    if (!(await input.canRead())) {
      input.dispose();
      return openWithElement(file, name, 'mediabunny cannot read this container');
    }
    track = await input.getPrimaryVideoTrack();
    if (!track) {
      const audio = await input.getPrimaryAudioTrack();
      input.dispose();
      return audio
        ? refuse('audio-only', name, `${quoted} has only sound, no picture: there are no frames to show the model.`)
        : refuse('corrupt', name, `${quoted} contains no video track: the file is damaged or incomplete (an interrupted download or copy?).`);
    }
  } catch (error) {
    input.dispose();
    return refuse('corrupt', name, `${quoted} could not be read as a video (${(error as Error).message}): the file is damaged or incomplete.`);
  }

  try {
    const width = track.displayWidth;
    const height = track.displayHeight;
    if (!(width > 0 && height > 0)) {
      input.dispose();
      return refuse('corrupt', name, `${quoted} is a damaged video: it says its frames are ${width} × ${height} pixels.`);
    }
    if (width * height > MAX_VIDEO_PIXELS) {
      input.dispose();
      return refuse(
        'too-many-pixels',
        name,
        `${quoted} claims frames of ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels (${Math.round((width * height) / 1e6).toLocaleString('en-US')} megapixels). ` +
          `Videos above ${MAX_VIDEO_PIXELS / 1e6} megapixels a frame are refused before decoding, to protect your device's memory.`,
      );
    }
    const start = await track.getFirstTimestamp();
    // The rate of the first packets: enough for a frame rate, without walking a long file.
    const stats = await track.computePacketStats(STATS_PACKETS);
    const packetRate = stats.averagePacketRate > 0 && Number.isFinite(stats.averagePacketRate) ? stats.averagePacketRate : 30;
    // WebM's blocks carry no duration, so the packets end where the last frame starts; the
    // header's duration adds that last frame, when it agrees with the packets (a header can lie).
    const packetsEnd = (await track.computeDuration()) - Math.max(0, start);
    const declared = await input.getDurationFromMetadata([track]);
    const durationSeconds = declared !== null && declared >= packetsEnd && declared <= packetsEnd + 2 / packetRate ? declared : packetsEnd;
    if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds)) {
      input.dispose();
      return refuse('zero-duration', name, `${quoted} lasts 0 seconds: it has no frames to show the model.`);
    }
    // All packets counted: the exact rate over the whole length, as the reference's metadata has it.
    const fps = stats.packetCount < STATS_PACKETS ? stats.packetCount / durationSeconds : packetRate;
    const totalFrames = Math.max(1, Math.round(durationSeconds * fps));
    const codec = track.codec;
    if (!(await track.canDecode())) {
      input.dispose();
      return openWithElement(file, name, `WebCodecs cannot decode ${codec ?? 'its codec'}`, codec);
    }
    const facts: VideoFacts = { name, width, height, durationSeconds, fps, totalFrames, codec, decoder: 'webcodecs' };
    const videoTrack = track;
    return {
      ok: true,
      video: {
        facts,
        async *frames(times, maxEdge, signal) {
          const sink = new CanvasSink(videoTrack, { ...frameSizeFor(width, height, maxEdge), fit: 'fill' });
          const queries = times.map((time) => start + frameQueryTime(time, facts));
          let index = 0;
          for await (const wrapped of sink.canvasesAtTimestamps(queries)) {
            signal.throwIfAborted();
            if (!wrapped) throw new Error(`no frame at ${times[index]!.toFixed(2)} s`);
            yield { canvas: wrapped.canvas, time: times[index++]! };
          }
        },
        close: () => input.dispose(),
      },
    };
  } catch (error) {
    input.dispose();
    return refuse('corrupt', name, `${quoted} could not be read as a video (${(error as Error).message}): the file is damaged or incomplete.`);
  }
}

/** Resolves on `event`, rejects on `error` or after `timeoutMs`. */
function once(element: HTMLMediaElement, event: string, timeoutMs = ELEMENT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (outcome: () => void) => {
      clearTimeout(timer);
      element.removeEventListener(event, onEvent);
      element.removeEventListener('error', onError);
      outcome();
    };
    const onEvent = () => done(resolve);
    const onError = () => done(() => reject(new Error(element.error?.message || 'the browser cannot play it')));
    const timer = setTimeout(() => done(() => reject(new Error('it did not load in time'))), timeoutMs);
    element.addEventListener(event, onEvent);
    element.addEventListener('error', onError);
  });
}

/**
 * The fallback: the browser's own player. It streams from a blob URL (never the whole file in
 * memory) and knows no frame rate, so frames are taken at the times the sampling asks for, at an
 * assumed 30 frames per second.
 */
async function openWithElement(file: File, name: string, why: string, codec: string | null = null): Promise<OpenResult> {
  const quoted = quoteName(name);
  const url = URL.createObjectURL(file);
  const element = document.createElement('video');
  element.muted = true;
  element.preload = 'metadata';
  element.src = url;
  const close = () => {
    element.removeAttribute('src');
    element.load();
    URL.revokeObjectURL(url);
  };
  try {
    await once(element, 'loadedmetadata');
    let durationSeconds = element.duration;
    if (durationSeconds === Infinity) {
      // Files recorded by MediaRecorder carry no duration: seeking far past the end makes the
      // browser find it (https://crbug.com/642012).
      element.currentTime = Number.MAX_SAFE_INTEGER;
      await once(element, 'durationchange');
      durationSeconds = element.duration;
    }
    const { videoWidth: width, videoHeight: height } = element;
    if (!(width > 0 && height > 0)) {
      close();
      return refuse('audio-only', name, `${quoted} has no picture the browser can show: there are no frames to show the model.`);
    }
    if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds)) {
      close();
      return refuse('zero-duration', name, `${quoted} lasts 0 seconds: it has no frames to show the model.`);
    }
    const fps = 30;
    const facts: VideoFacts = { name, width, height, durationSeconds, fps, totalFrames: Math.max(1, Math.round(durationSeconds * fps)), codec, decoder: 'video-element' };
    return {
      ok: true,
      video: {
        facts,
        async *frames(times, maxEdge, signal) {
          const size = frameSizeFor(width, height, maxEdge);
          for (const time of times) {
            signal.throwIfAborted();
            element.currentTime = frameQueryTime(time, facts);
            await once(element, 'seeked');
            const canvas = document.createElement('canvas');
            canvas.width = size.width;
            canvas.height = size.height;
            canvas.getContext('2d')!.drawImage(element, 0, 0, size.width, size.height);
            yield { canvas, time };
          }
        },
        close,
      },
    };
  } catch (error) {
    close();
    return refuse(
      'unsupported-codec',
      name,
      `${quoted} is a video this browser cannot decode (${codec ? `codec ${codec}; ` : ''}${why}; ${(error as Error).message}). Convert it to MP4 (H.264) or WebM (VP9) and add it again.`,
    );
  }
}
