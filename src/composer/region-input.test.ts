/**
 * A region drawn over a letterboxed picture, from the frame's CSS pixels to the image's own pixels
 * to the location tokens Florence-2 reads, and back through transformers.js' own post-processing;
 * and what is refused before sending.
 */
import { Florence2Processor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { answerRegions, type Florence2PostProcessor } from '../../workers/families/florence2-answer.ts';
import { FLORENCE2_PROCESSOR_TASKS, regionToLocationTokens } from '../../workers/models/florence2-tasks.ts';
import { fitContain, regionRect } from '../chat/region-overlay.ts';
import { draggedBox, frameToImage, parseRegionText, regionProblem, regionText } from './region-input.ts';

const processor = new (Florence2Processor as unknown as new (config: object, components: object, chatTemplate: null) => Florence2PostProcessor)(
  {},
  { image_processor: { config: FLORENCE2_PROCESSOR_TASKS } },
  null,
);

describe('a region dragged over the picture', () => {
  // A 1280 x 360 image in a 400 x 300 frame: scale 0.3125, shown 400 x 112.5, bars of 93.75 above and below.
  const wide = { width: 1280, height: 360 };
  const frame = { width: 400, height: 300 };
  const fit = fitContain(wide, frame);

  it('maps a drag on a letterboxed wide image to its own pixels, then to location tokens, and is drawn where it was dragged', () => {
    expect(fit).toMatchObject({ scale: 0.3125, offsetX: 0, offsetY: 93.75 });
    // Dragged from bottom right to top left: the same box.
    const box = draggedBox({ x: 200, y: 150 }, { x: 40, y: 105 }, fit, wide)!;
    expect(box).toEqual([128, 36, 640, 180]);
    const tokens = regionToLocationTokens(box, wide);
    expect(tokens).toBe('<loc_100><loc_100><loc_500><loc_500>');
    // Drawn back over the picture, the box sits where the pointer went.
    expect(regionRect({ label: '', box }, fit)).toEqual({ left: 40, top: 105, width: 160, height: 45 });
    // transformers.js reads each bin as its centre: within one bin (1.28 x 0.36 px here) of the drawn box.
    const back = answerRegions(processor, `region${tokens}`, '<OD>', { id: 'img', ...wide })!.regions[0]!.box;
    back.forEach((value, i) => expect(Math.abs(value - box[i]!)).toBeLessThanOrEqual(i % 2 === 0 ? 1.28 : 0.36));
  });

  it('keeps a drag that starts on the bars beside a tall image inside the picture, and draws nothing for a click or a drag on the bars only', () => {
    // 300 x 900 in 400 x 300: scale 1/3, shown 100 x 300, bars of 150 left and right.
    const tall = { width: 300, height: 900 };
    const tallFit = fitContain(tall, frame);
    expect(frameToImage({ x: 100, y: 30 }, tallFit, tall)).toEqual({ x: 0, y: 90 });
    expect(draggedBox({ x: 100, y: 30 }, { x: 200, y: 120 }, tallFit, tall)).toEqual([0, 90, 150, 360]);
    expect(draggedBox({ x: 100, y: 30 }, { x: 102, y: 120 }, tallFit, tall)).toBeNull();
    expect(draggedBox({ x: 10, y: 30 }, { x: 140, y: 120 }, tallFit, tall)).toBeNull();
    expect(draggedBox({ x: 260, y: 10 }, { x: 390, y: 290 }, tallFit, tall)).toBeNull();
  });

  it('writes and reads the typed form', () => {
    expect(regionText([128, 36.4, 640, 180])).toBe('128 36 640 180');
    expect(parseRegionText(' 128, 36 640\n180 ')).toEqual([128, 36, 640, 180]);
    expect(parseRegionText('128 36 640')).toBeNull();
    expect(parseRegionText('128 36 640 x')).toBeNull();
    expect(parseRegionText('')).toBeNull();
  });

  it('refuses a region outside the image, with no area, or narrower than one location bin', () => {
    expect(regionProblem([128, 36, 640, 180], wide)).toBeNull();
    expect(regionProblem([0, 0, 1280, 360], wide)).toBeNull();
    expect(regionProblem([0, 0, 1281, 360], wide)).toMatch(/reaches outside the image, which is 1280 × 360 pixels/);
    expect(regionProblem([-1, 0, 100, 100], wide)).toMatch(/reaches outside/);
    expect(regionProblem([50, 20, 50, 100], wide)).toMatch(/has no area/);
    // A 3000 px side has bins of 3 px: a 2 px box would send the same bin twice.
    expect(regionProblem([10, 10, 12, 100], { width: 3000, height: 200 })).toMatch(/too small .* at least 3 × 1 pixels/);
    expect(regionToLocationTokens([10, 10, 13, 100], { width: 3000, height: 200 })).toBe('<loc_3><loc_50><loc_4><loc_500>');
  });
});
