/**
 * The region a region task ("Describe a region") asks about, as a person gives it: dragged over
 * the picture, which is shown letterboxed in its frame (`object-fit: contain`), or typed in the
 * message as four pixel numbers. This maps a drag from the frame's CSS pixels to the image's own
 * pixels, writes and reads the typed form, and says what is wrong with a region before it is
 * sent. Pure: the region picker only handles the pointer.
 */
import { LOCATION_BINS } from '../../workers/models/florence2-tasks.ts';
import type { PixelBox } from '../../workers/protocol.ts';
import type { Fit, Size } from '../chat/region-overlay.ts';

export interface Point {
  x: number;
  y: number;
}

/** A drag shorter than this (CSS pixels) on either side draws nothing: a click or a slip is not a region. */
export const MIN_DRAG_PX = 4;

/** A point of the frame (CSS pixels from its top left) in the image's pixels, kept inside the image. */
export function frameToImage(point: Point, fit: Fit, image: Size): Point {
  const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
  return { x: clamp((point.x - fit.offsetX) / fit.scale, image.width), y: clamp((point.y - fit.offsetY) / fit.scale, image.height) };
}

/**
 * The box a drag from `start` to `end` (frame CSS pixels, either direction) draws, in whole pixels
 * of the image; null when the drag is too short, or fell on the bars beside the picture only.
 */
export function draggedBox(start: Point, end: Point, fit: Fit, image: Size): PixelBox | null {
  if (Math.abs(end.x - start.x) < MIN_DRAG_PX || Math.abs(end.y - start.y) < MIN_DRAG_PX) return null;
  const a = frameToImage(start, fit, image);
  const b = frameToImage(end, fit, image);
  const box = [Math.round(Math.min(a.x, b.x)), Math.round(Math.min(a.y, b.y)), Math.round(Math.max(a.x, b.x)), Math.round(Math.max(a.y, b.y))] as const;
  return box[2] > box[0] && box[3] > box[1] ? box : null;
}

/** The typed form of a region: "left top right bottom" in pixels. */
export function regionText(box: PixelBox): string {
  return box.map((value) => String(Math.round(value))).join(' ');
}

/** A region typed as four numbers (spaces or commas between them); null for anything else. */
export function parseRegionText(text: string): PixelBox | null {
  const parts = text.trim().split(/[\s,]+/);
  if (parts.length !== 4 || parts.some((part) => part === '')) return null;
  const numbers = parts.map(Number);
  return numbers.every(Number.isFinite) ? (numbers as unknown as PixelBox) : null;
}

/** Left, top, right, bottom with the corners in order (a box typed right to left is the same box). */
export function orderedBox(box: PixelBox): PixelBox {
  return [Math.min(box[0], box[2]), Math.min(box[1], box[3]), Math.max(box[0], box[2]), Math.max(box[1], box[3])];
}

/**
 * What keeps `box` from being sent as a region of an image of `image` size, or null when nothing
 * does: a coordinate outside the image, no area, or a side shorter than one of the model's
 * location bins (1/1000 of the image's side), which would send left = right.
 */
export function regionProblem(box: PixelBox, image: Size): string | null {
  const [left, top, right, bottom] = orderedBox(box);
  const size = `${image.width} × ${image.height}`;
  if (left < 0 || top < 0 || right > image.width || bottom > image.height) {
    return `the region ${regionText([left, top, right, bottom])} reaches outside the image, which is ${size} pixels: left and right go from 0 to ${image.width}, top and bottom from 0 to ${image.height}.`;
  }
  if (right === left || bottom === top) {
    return `the region ${regionText([left, top, right, bottom])} has no area: drag a box over the image, or give a right greater than the left and a bottom greater than the top.`;
  }
  const minWidth = Math.max(1, Math.ceil(image.width / LOCATION_BINS));
  const minHeight = Math.max(1, Math.ceil(image.height / LOCATION_BINS));
  if (right - left < minWidth || bottom - top < minHeight) {
    return `the region ${regionText([left, top, right, bottom])} is too small for the model to locate on a ${size} image: make it at least ${minWidth} × ${minHeight} pixels.`;
  }
  return null;
}
