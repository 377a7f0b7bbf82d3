/**
 * How a video becomes frames and prompt text for SmolVLM2, mirrored from the reference processor
 * (huggingface/transformers, src/transformers/models/smolvlm/video_processing_smolvlm.py
 * `sample_frames` and processing_smolvlm.py `process_video`). Pure arithmetic and strings: the page
 * samples frames with it and shows their cost, the worker lays out the prompt with it.
 */
import type { VideoSampling } from '../protocol.ts';

/**
 * For models whose configs carry no `video_sampling` (SmolVLM v1 was trained on images only): the
 * reference processor's frame rate, with fewer frames, since such a model was never taught to
 * read a long series of frames. Shown in the picker as "video as frames, less reliable".
 */
export const FRAMES_FOR_IMAGE_MODELS: VideoSampling = { fps: 1, maxFrames: 16, frameSize: 512, fromModelConfig: false };

/**
 * `video_sampling` from a model's preprocessor_config.json ({ fps, max_frames, video_size:
 * { longest_edge } }), or null when it has none or it is malformed.
 */
export function parseVideoSampling(preprocessorConfig: unknown): VideoSampling | null {
  if (typeof preprocessorConfig !== 'object' || preprocessorConfig === null) return null;
  const raw = (preprocessorConfig as { video_sampling?: unknown }).video_sampling;
  if (typeof raw !== 'object' || raw === null) return null;
  const { fps, max_frames: maxFrames, video_size: size } = raw as { fps?: unknown; max_frames?: unknown; video_size?: { longest_edge?: unknown } };
  const frameSize = size?.longest_edge;
  if (typeof fps !== 'number' || !(fps > 0) || !Number.isInteger(maxFrames) || (maxFrames as number) < 1) return null;
  if (typeof frameSize !== 'number' || !(frameSize > 0)) return null;
  return { fps, maxFrames: maxFrames as number, frameSize, fromModelConfig: true };
}

/** What the reference reads of a decoded video (transformers' VideoMetadata). */
export interface VideoTiming {
  durationSeconds: number;
  /** The video's own frame rate (average). */
  fps: number;
  totalFrames: number;
}

export interface FramePlan {
  /** Indices of the frames taken, ascending, without repeats. */
  indices: number[];
  /** Each frame's time in seconds (index / fps), what its "Frame from MM:SS" label shows. */
  timestamps: number[];
  /** Frames the sampling rate alone would take (round(fps x duration)). */
  wanted: number;
  /** The cap that applied: `wanted` was more than this many frames. */
  cappedAt: number | null;
}

/**
 * `SmolVLMVideoProcessor.sample_frames`: min(round(rate x duration), maxFrames) frames, spread
 * evenly (np.linspace with integer truncation, then np.unique) over the video, skipping
 * `skipSeconds` at each end when the video is longer than the frames would cover. `maxFrames`
 * is the model's cap, or the lower count the person chose (the reference's `num_frames`).
 */
export function planFrames(video: VideoTiming, sampling: Pick<VideoSampling, 'fps' | 'maxFrames'>, maxFrames = sampling.maxFrames, skipSeconds = 1): FramePlan {
  const { durationSeconds, fps, totalFrames } = video;
  const wanted = roundHalfEven(sampling.fps * durationSeconds);
  const desired = Math.max(1, Math.min(wanted, maxFrames));
  let start = 0;
  let end = totalFrames - 1;
  if (skipSeconds > 0 && durationSeconds - 2 * skipSeconds > maxFrames * sampling.fps) {
    start = Math.trunc(skipSeconds * fps);
    end = Math.trunc(totalFrames - skipSeconds * fps);
  }
  start = Math.max(0, start);
  end = Math.min(end, totalFrames - 1);
  if (start >= end) [start, end] = [0, totalFrames - 1];
  const indices = [...new Set(linspaceInt(start, end, desired))].sort((a, b) => a - b);
  return { indices, timestamps: indices.map((index) => index / fps), wanted, cappedAt: wanted > maxFrames ? maxFrames : null };
}

/** Python's round(): halves go to the even neighbour (round(2.5) == 2), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** np.linspace(start, end, count, dtype=int): float steps truncated toward zero, the last exactly `end`. */
function linspaceInt(start: number, end: number, count: number): number[] {
  if (count === 1) return [Math.trunc(start)];
  const step = (end - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? Math.trunc(end) : Math.trunc(i * step + start)));
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** A whole number in English words as Python's num2words writes it ("twenty-one", "one hundred and five"). */
export function numberInWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError(`numberInWords: ${n} is out of range`);
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? `-${ONES[n % 10]}` : '');
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred` + (n % 100 ? ` and ${numberInWords(n % 100)}` : '');
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  return `${numberInWords(thousands)} thousand` + (rest === 0 ? '' : rest < 100 ? ` and ${numberInWords(rest)}` : `, ${numberInWords(rest)}`);
}

/** str(timedelta(seconds=int(duration))): "0:00:42", "3:00:00", "1 day, 0:00:05". */
export function durationText(seconds: number): string {
  let s = Math.trunc(seconds);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hms = `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/** A frame's label time as the reference writes it: minutes (not wrapped at 60) and seconds, two digits each. */
export function frameTimestampText(seconds: number): string {
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
}

/** The strings of the reference (video_processing_smolvlm.py). */
export const VIDEO_INTRO = 'You are provided the following series of {frame_count} frames from a {video_duration} [H:MM:SS] video.\n';
export const MEDIA_OUTTRO = '\n\n';
export const FRAME_TIMESTAMP_MESSAGE = '\nFrame from {timestamp}:';

/** One global frame's tokens (processing_smolvlm.py `_prompt_single_image`). */
export function singleFrameText(tokensPerFrame: number): string {
  return `<fake_token_around_image><global-img>${'<image>'.repeat(tokensPerFrame)}<fake_token_around_image>`;
}

/**
 * What replaces a video's placeholder (processing_smolvlm.py `process_video`): the introduction,
 * then each frame's "Frame from MM:SS:" label followed by `frameText` (the frame's image tokens,
 * or one `<image>` placeholder that the image expansion fills in later), then the outro.
 */
export function expandVideoPlaceholder(timestamps: readonly number[], durationSeconds: number, frameText: string): string {
  let text = VIDEO_INTRO.replace('{frame_count}', numberInWords(timestamps.length)).replace('{video_duration}', durationText(durationSeconds));
  for (const timestamp of timestamps) text += FRAME_TIMESTAMP_MESSAGE.replace('{timestamp}', frameTimestampText(timestamp)) + frameText;
  return text + MEDIA_OUTTRO;
}

/** Tokens counted for each frame's label (“\nFrame from 00:03:”, two fake tokens, <global-img>). */
const LABEL_TOKENS = 20;
/** Tokens counted for the introduction and the outro. */
const INTRO_TOKENS = 60;

/**
 * Tokens a video of `frames` frames adds to a prompt, for the page's estimate before the
 * tokenizer runs: the image tokens plus the labels, counted on the high side (SmolVLM's tokenizer
 * writes a label in about 11 tokens and the introduction in about 30; the generated test model's
 * smaller vocabulary needs 18.5 and 53), so a video that passes also fits when laid out.
 */
export function estimateVideoTokens(frames: number, tokensPerFrame: number): { imageTokens: number; promptTokens: number } {
  const imageTokens = frames * tokensPerFrame;
  return { imageTokens, promptTokens: imageTokens + frames * LABEL_TOKENS + INTRO_TOKENS };
}

/** Most frames of `tokensPerFrame` that fit in `freeTokens` (0 when not even one does). */
export function framesThatFit(freeTokens: number, tokensPerFrame: number): number {
  return Math.max(0, Math.floor((freeTokens - INTRO_TOKENS) / (tokensPerFrame + LABEL_TOKENS)));
}
