/**
 * Where an answer's regions go over the picture the page shows. The image is displayed scaled to
 * fit its box without cropping (CSS `object-fit: contain`), so a picture whose shape differs
 * from the box is letterboxed: bars above and below, or left and right. Regions are measured in
 * the image's own pixels (AnswerRegions in workers/protocol.ts); this maps them into the box, picks
 * a colour per label and writes the JSON export. Pure: the overlay component only draws.
 */
import type { AnswerRegions, ImageRegion } from '../../workers/protocol.ts';

export interface Size {
  width: number;
  height: number;
}

/** Where the picture lands inside its box: its scale and the letterbox offsets. */
export interface Fit {
  scale: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
}

/** The `object-fit: contain` placement of an image of `natural` size in a box of `container` size. */
export function fitContain(natural: Size, container: Size): Fit {
  if (!(natural.width > 0 && natural.height > 0)) throw new RangeError(`The image size must be positive, got ${natural.width}x${natural.height}.`);
  const scale = Math.max(0, Math.min(container.width / natural.width, container.height / natural.height));
  const width = natural.width * scale;
  const height = natural.height * scale;
  return { scale, offsetX: (container.width - width) / 2, offsetY: (container.height - height) / 2, width, height };
}

/** A region's rectangle in the box's coordinates (CSS pixels from its top left). */
export interface DisplayRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function regionRect(region: ImageRegion, fit: Fit): DisplayRect {
  const [left, top, right, bottom] = region.box;
  return { left: fit.offsetX + left * fit.scale, top: fit.offsetY + top * fit.scale, width: (right - left) * fit.scale, height: (bottom - top) * fit.scale };
}

/** An OCR quadrilateral's corners in the box's coordinates, as an SVG `points` list. */
export function quadPoints(quad: readonly number[], fit: Fit): string {
  const points: string[] = [];
  for (let i = 0; i + 1 < quad.length; i += 2) points.push(`${fit.offsetX + quad[i]! * fit.scale},${fit.offsetY + quad[i + 1]! * fit.scale}`);
  return points.join(' ');
}

/** One colour per label, the same on every render and in the PNG export (a hue from the label's text). */
export function labelColour(label: string): string {
  let hash = 0;
  for (const char of label) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return `hsl(${hash % 360} 85% 45%)`;
}

/** The JSON export: the task, the image size and every region in the original image's pixels. */
export function regionsJson(answer: AnswerRegions): string {
  const round = (value: number) => Math.round(value * 100) / 100;
  return JSON.stringify(
    {
      task: answer.task,
      image: { width: answer.width, height: answer.height },
      regions: answer.regions.map((region) => ({
        label: region.label,
        box: region.box.map(round),
        ...(region.quad ? { quad: region.quad.map(round) } : {}),
      })),
    },
    null,
    2,
  );
}

/** One line of an OCR-with-regions answer: its text and the index of its region (its quadrilateral). */
export interface OcrLine {
  index: number;
  text: string;
}

/** The lines an answer read, in the model's (reading) order; none when its regions are not OCR quadrilaterals. */
export function ocrLines(answer: AnswerRegions): OcrLine[] {
  return answer.regions.flatMap((region, index) => (region.quad ? [{ index, text: region.label }] : []));
}

/** All the text an OCR answer read, a line each, for the clipboard. */
export function ocrText(answer: AnswerRegions): string {
  return ocrLines(answer)
    .map((line) => line.text)
    .join('\n');
}
