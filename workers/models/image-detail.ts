/**
 * How an image becomes frames and image tokens in an Idefics3/SmolVLM processor, and the
 * `detail` policy on top of it. Pure arithmetic, mirrored from transformers.js'
 * Idefics3ImageProcessor so the page can show the cost of a choice before anything runs.
 */
import type { Device, ImageDetail, ImageGeometry } from '../protocol.ts';

export const SMOLVLM_GEOMETRY: ImageGeometry = { frameSize: 512, tokensPerFrame: 64, defaultLongestEdge: 2048 };
/** FastVLM: FastViTHD downsamples a 1024 px frame 64 times, so 16 x 16 = 256 image tokens, whatever the detail. */
export const FASTVLM_GEOMETRY: ImageGeometry = { frameSize: 1024, tokensPerFrame: 256, defaultLongestEdge: 1024 };

export interface ImagePlan {
  /** Longest edge the processor resizes the image to before splitting. */
  longestEdge: number;
  /** Whether the processor splits the image into tiles (false: one frame). */
  split: boolean;
  rows: number;
  cols: number;
  /** Tiles plus the global frame (1 when not split). */
  frames: number;
  imageTokens: number;
}

/**
 * The largest longest edge `auto` may split to on each device: a cap on the frames the vision
 * encoder runs, since its cost grows linearly with them (WASM: up to 2x2 tiles + global;
 * WebGPU: up to 3x3 + global). `high` ignores the cap, as the processor does.
 */
export const AUTO_DETAIL_MAX_EDGE: Record<Device, number> = { wasm: 1024, webgpu: 1536 };

const DETAIL_ORDER: readonly ImageDetail[] = ['low', 'auto', 'high'];

/**
 * The detail a model is actually given: the requested one when the model offers it, else the
 * nearest it offers below (else its lowest). A model trained only on what `low` and `auto` send
 * (the built-in demo) answers wrongly at `high`, so it never receives it.
 */
export function offeredDetail(requested: ImageDetail, offered?: readonly ImageDetail[]): ImageDetail {
  if (!offered || offered.length === 0 || offered.includes(requested)) return requested;
  const rank = (detail: ImageDetail) => DETAIL_ORDER.indexOf(detail);
  const below = offered.filter((detail) => rank(detail) < rank(requested));
  if (below.length === 0) return offered[0]!;
  return below.reduce((best, detail) => (rank(detail) > rank(best) ? detail : best));
}

/** The processor's resize of (width, height) so the longest edge becomes `longestEdge` (up or down). */
export function resizeToLongestEdge(width: number, height: number, longestEdge: number): [number, number] {
  const factor = Math.min(longestEdge / width, longestEdge / height);
  return [Math.floor(Number((width * factor).toFixed(2))), Math.floor(Number((height * factor).toFixed(2)))];
}

/** Rows and columns of tiles for an already resized image (Idefics3ImageProcessor.get_resize_for_vision_encoder + split_image). */
export function tileGrid(width: number, height: number, frameSize: number): { rows: number; cols: number } {
  let w: number;
  let h: number;
  const aspectRatio = width / height;
  if (width >= height) {
    w = Math.ceil(width / frameSize) * frameSize;
    h = Math.floor(w / aspectRatio);
    h = Math.ceil(h / frameSize) * frameSize;
  } else {
    h = Math.ceil(height / frameSize) * frameSize;
    w = Math.floor(h * aspectRatio);
    w = Math.ceil(w / frameSize) * frameSize;
  }
  if (h > frameSize || w > frameSize) return { rows: Math.ceil(h / frameSize), cols: Math.ceil(w / frameSize) };
  return { rows: 0, cols: 0 };
}

/** What `detail` does to one image of the given size on the given device. */
export function planImage(
  width: number,
  height: number,
  detail: ImageDetail,
  device: Device,
  geometry: ImageGeometry = SMOLVLM_GEOMETRY,
): ImagePlan {
  if (!(width > 0 && height > 0)) throw new RangeError(`Image size must be positive, got ${width}x${height}`);
  const { frameSize, tokensPerFrame, defaultLongestEdge } = geometry;
  if (detail === 'low') {
    return { longestEdge: frameSize, split: false, rows: 0, cols: 0, frames: 1, imageTokens: tokensPerFrame };
  }
  const longestEdge =
    detail === 'high'
      ? defaultLongestEdge
      : // Never upscale: split only as far as the image's own pixels go, within the device cap.
        Math.max(frameSize, Math.min(AUTO_DETAIL_MAX_EDGE[device], defaultLongestEdge, Math.max(width, height)));
  const [resizedWidth, resizedHeight] = resizeToLongestEdge(width, height, longestEdge);
  const { rows, cols } = tileGrid(resizedWidth, resizedHeight, frameSize);
  const frames = rows * cols + 1;
  return { longestEdge, split: true, rows, cols, frames, imageTokens: frames * tokensPerFrame };
}

/**
 * The text that replaces one `<image>` placeholder (Idefics3Processor's expansion): a grid of
 * `<fake_token_around_image><row_r_col_c><image>*n` tiles, then the global frame.
 */
export function expandImagePlaceholder(plan: Pick<ImagePlan, 'rows' | 'cols'>, tokensPerFrame: number): string {
  const fake = '<fake_token_around_image>';
  const imageTokens = '<image>'.repeat(tokensPerFrame);
  const global = `${fake}<global-img>${imageTokens}${fake}`;
  if (plan.rows === 0 && plan.cols === 0) return global;
  let text = '';
  for (let r = 1; r <= plan.rows; r++) {
    for (let c = 1; c <= plan.cols; c++) text += `${fake}<row_${r}_col_${c}>${imageTokens}`;
    text += '\n';
  }
  return `${text}\n${global}`;
}
