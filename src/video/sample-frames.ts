/**
 * Samples a video's frames as SmolVLM2's processor does (workers/models/video.ts `planFrames`) and
 * keeps each as a JPEG the size the model reads, with its time: what the composer shows and what
 * is sent and stored with the message (never the video itself).
 */
import { newId } from '../lib/ids.ts';
import { planFrames, type FramePlan } from '../../workers/models/video.ts';
import type { VideoSampling } from '../../workers/protocol.ts';
import type { OpenedVideo } from './open-video.ts';

/** One sampled frame. */
export interface VideoFrame {
  id: string;
  blob: Blob;
  width: number;
  height: number;
  /** Seconds from the start of the video (index / fps, as the reference labels it). */
  time: number;
}

async function toJpeg(canvas: HTMLCanvasElement | OffscreenCanvas): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the frame could not be encoded'))), 'image/jpeg', 0.92));
}

/** The plan for `video` under `sampling`, with at most `frameLimit` frames when the person chose fewer. */
export function framePlanFor(video: OpenedVideo, sampling: VideoSampling, frameLimit: number | null): FramePlan {
  return planFrames(video.facts, sampling, Math.min(sampling.maxFrames, frameLimit ?? sampling.maxFrames));
}

/** Decodes the planned frames, calling `onFrame` as each is ready. */
export async function sampleFrames(video: OpenedVideo, plan: FramePlan, frameSize: number, signal: AbortSignal, onFrame?: (done: number) => void): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const { canvas, time } of video.frames(plan.timestamps, frameSize, signal)) {
    frames.push({ id: newId('frame'), blob: await toJpeg(canvas), width: canvas.width, height: canvas.height, time });
    onFrame?.(frames.length);
  }
  if (frames.length !== plan.timestamps.length) throw new Error(`${frames.length} of ${plan.timestamps.length} frames could be decoded`);
  return frames;
}
