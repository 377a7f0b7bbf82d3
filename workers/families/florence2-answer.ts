/**
 * A Florence-2 answer's location tokens turned into regions of the image by transformers.js' own
 * Florence2Processor.post_process_generation (never parsed by hand here), then made safe to draw:
 * corners ordered, coordinates kept inside the image, and an answer with no regions left as text.
 */
import { florence2Task, type Florence2TaskId } from '../models/florence2-tasks.ts';
import type { AnswerRegions, ImageRegion, PixelBox } from '../protocol.ts';

/** The part of transformers.js' Florence2Processor used here. */
export interface Florence2PostProcessor {
  post_process_generation(text: string, task: string, imageSize: [number, number]): Record<string, unknown>;
}

interface ParsedBoxes {
  labels?: string[];
  bboxes?: number[][];
  quad_boxes?: number[][];
}

/**
 * The regions in `text` (the decoded answer, special tokens kept) for `task`, on an image of
 * `width` x `height` pixels; null for tasks whose answer is plain text.
 */
export function answerRegions(processor: Florence2PostProcessor, text: string, task: Florence2TaskId, image: { id: string; width: number; height: number }): AnswerRegions | null {
  if (!florence2Task(task)?.regions) return null;
  const { width, height } = image;
  // transformers.js multiplies bin centres by image_size[i % 2]: x by the first, y by the second.
  const parsed = processor.post_process_generation(text, task, [width, height])[task] as ParsedBoxes | string | undefined;
  if (!parsed || typeof parsed === 'string') return { task, imageId: image.id, width, height, regions: [] };
  const clampX = (x: number) => Math.min(width, Math.max(0, x));
  const clampY = (y: number) => Math.min(height, Math.max(0, y));
  const labels = parsed.labels ?? [];
  const regions: ImageRegion[] = [];
  if (parsed.quad_boxes) {
    parsed.quad_boxes.forEach((quad, index) => {
      const points = quad.map((value, i) => (i % 2 === 0 ? clampX(value) : clampY(value)));
      const xs = points.filter((_, i) => i % 2 === 0);
      const ys = points.filter((_, i) => i % 2 === 1);
      regions.push({ label: labels[index] ?? '', box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], quad: points });
    });
  } else {
    (parsed.bboxes ?? []).forEach((raw, index) => {
      const [x1, y1, x2, y2] = raw as unknown as PixelBox;
      regions.push({ label: labels[index] ?? '', box: [clampX(Math.min(x1, x2)), clampY(Math.min(y1, y2)), clampX(Math.max(x1, x2)), clampY(Math.max(y1, y2))] });
    });
  }
  return { task, imageId: image.id, width, height, regions };
}
