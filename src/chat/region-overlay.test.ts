/**
 * Florence-2 boxes from location tokens to the screen: known `<loc_N>` tokens go through
 * transformers.js' own Florence2Processor.post_process_generation (with the task maps the
 * published preprocessor_config.json carries), then through the overlay's geometry for
 * non-square images in a letterboxed box.
 */
import { Florence2Processor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { answerRegions, type Florence2PostProcessor } from '../../workers/families/florence2-answer.ts';
import { closestTask, FLORENCE2_PROCESSOR_TASKS, regionToLocationTokens, taskPrompt } from '../../workers/models/florence2-tasks.ts';
import { fitContain, labelColour, ocrLines, ocrText, quadPoints, regionRect, regionsJson } from './region-overlay.ts';

const processor = new (Florence2Processor as unknown as new (config: object, components: object, chatTemplate: null) => Florence2PostProcessor)(
  {},
  { image_processor: { config: FLORENCE2_PROCESSOR_TASKS } },
  null,
);

/** A bin's centre in pixels: what the post-processing must give for `<loc_bin>`. */
const centre = (bin: number, side: number) => ((bin + 0.5) / 1000) * side;

describe('Florence-2 answers to regions (transformers.js post-processing)', () => {
  it('object detection on a wide image: labels and boxes in its own pixels, x by the width and y by the height', () => {
    const text = '</s><s>car<loc_100><loc_200><loc_500><loc_900>dog<loc_600><loc_50><loc_999><loc_400></s>';
    const answer = answerRegions(processor, text, '<OD>', { id: 'img', width: 640, height: 480 })!;
    expect(answer.regions.map((region) => region.label)).toEqual(['car', 'dog']);
    expect(answer.regions[0]!.box).toEqual([centre(100, 640), centre(200, 480), centre(500, 640), centre(900, 480)]);
    expect(answer.regions[1]!.box).toEqual([centre(600, 640), centre(50, 480), centre(999, 640), centre(400, 480)]);
  });

  it('phrase grounding repeats the label for a second box; swapped corners are ordered; a plain-text task has no regions', () => {
    const text = 'the red car<loc_700><loc_700><loc_100><loc_100><loc_10><loc_10><loc_20><loc_20>';
    const answer = answerRegions(processor, text, '<CAPTION_TO_PHRASE_GROUNDING>', { id: 'img', width: 300, height: 900 })!;
    expect(answer.regions.map((region) => region.label)).toEqual(['the red car', 'the red car']);
    expect(answer.regions[0]!.box).toEqual([centre(100, 300), centre(100, 900), centre(700, 300), centre(700, 900)]);
    expect(answerRegions(processor, 'A dog on a beach.', '<CAPTION>', { id: 'img', width: 300, height: 900 })).toBeNull();
    // Text with no location tokens for a region task: no regions, not an error.
    expect(answerRegions(processor, 'nothing here', '<OD>', { id: 'img', width: 300, height: 900 })!.regions).toEqual([]);
  });

  it('OCR with regions gives each line its quadrilateral and the quadrilateral\'s bounds', () => {
    const text = '</s>EXIT<loc_100><loc_100><loc_300><loc_110><loc_300><loc_200><loc_100><loc_190>';
    const answer = answerRegions(processor, text, '<OCR_WITH_REGION>', { id: 'img', width: 1000, height: 500 })!;
    expect(answer.regions).toHaveLength(1);
    expect(answer.regions[0]!.label).toBe('EXIT');
    expect(answer.regions[0]!.quad).toEqual([100.5, 50.25, 300.5, 55.25, 300.5, 100.25, 100.5, 95.25]);
    expect(answer.regions[0]!.box).toEqual([100.5, 50.25, 300.5, 100.25]);
  });

  it('a region sent to the model as location tokens comes back as the same bins', () => {
    const tokens = regionToLocationTokens([64, 48, 320, 240], { width: 640, height: 480 });
    expect(tokens).toBe('<loc_100><loc_100><loc_500><loc_500>');
    expect(taskPrompt('<REGION_TO_DESCRIPTION>', tokens)).toBe('<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>');
    const back = answerRegions(processor, `x${tokens}`, '<OD>', { id: 'img', width: 640, height: 480 })!.regions[0]!.box;
    back.forEach((value, i) => expect(Math.abs(value - [64, 48, 320, 240][i]!)).toBeLessThan(1));
    expect(() => taskPrompt('<CAPTION_TO_PHRASE_GROUNDING>', '  ')).toThrow(/needs a phrase/);
  });

  it('maps plain questions to the closest task, with the phrase to find', () => {
    expect(closestTask('Find the red car')).toEqual({ task: '<CAPTION_TO_PHRASE_GROUNDING>', input: 'the red car' });
    expect(closestTask('where is the dog?')).toEqual({ task: '<CAPTION_TO_PHRASE_GROUNDING>', input: 'the dog' });
    expect(closestTask('What does the sign say?')).toEqual({ task: '<OCR>' });
    expect(closestTask('Read the text and show where it is')).toEqual({ task: '<OCR_WITH_REGION>' });
    expect(closestTask('How many objects are there?')).toEqual({ task: '<OD>' });
    expect(closestTask('Describe this picture in detail')).toEqual({ task: '<DETAILED_CAPTION>' });
    expect(closestTask('Hello')).toEqual({ task: '<CAPTION>' });
  });
});

describe('region overlay geometry', () => {
  it('letterboxes a wide image in a square box: bars above and below, boxes scaled and shifted down', () => {
    const fit = fitContain({ width: 640, height: 480 }, { width: 300, height: 300 });
    expect(fit).toEqual({ scale: 300 / 640, offsetX: 0, offsetY: 37.5, width: 300, height: 225 });
    expect(regionRect({ label: 'car', box: [64, 48, 320, 240] }, fit)).toEqual({ left: 30, top: 37.5 + 22.5, width: 120, height: 90 });
  });

  it('pillarboxes a tall image in a wide box: bars left and right', () => {
    const fit = fitContain({ width: 300, height: 900 }, { width: 400, height: 300 });
    expect(fit).toEqual({ scale: 1 / 3, offsetX: 150, offsetY: 0, width: 100, height: 300 });
    // The whole image as a box covers exactly the displayed picture.
    expect(regionRect({ label: 'all', box: [0, 0, 300, 900] }, fit)).toEqual({ left: 150, top: 0, width: 100, height: 300 });
    expect(quadPoints([0, 0, 300, 0, 300, 900, 0, 900], fit)).toBe('150,0 250,0 250,300 150,300');
    expect(() => fitContain({ width: 0, height: 10 }, { width: 10, height: 10 })).toThrow(RangeError);
  });

  it('gives a label the same colour every time and different labels different colours; exports pixels of the original image', () => {
    expect(labelColour('car')).toBe(labelColour('car'));
    expect(labelColour('car')).not.toBe(labelColour('dog'));
    const json = JSON.parse(regionsJson({ task: '<OD>', imageId: 'img', width: 640, height: 480, regions: [{ label: 'car', box: [64.321, 48, 320, 240.005] }] }));
    expect(json).toEqual({ task: '<OD>', image: { width: 640, height: 480 }, regions: [{ label: 'car', box: [64.32, 48, 320, 240.01] }] });
  });
});

describe('OCR text layer', () => {
  it('lists the lines transformers.js read, in order, each with the index of its quadrilateral, and copies them a line each', () => {
    const quad = (a: number, b: number) => `<loc_${a}><loc_${b}><loc_${a + 200}><loc_${b}><loc_${a + 200}><loc_${b + 50}><loc_${a}><loc_${b + 50}>`;
    const text = `</s><s>EXIT${quad(100, 100)}Push to open${quad(100, 300)} 24 h ${quad(500, 700)}</s>`;
    const answer = answerRegions(processor, text, '<OCR_WITH_REGION>', { id: 'img', width: 800, height: 400 })!;
    expect(ocrLines(answer)).toEqual([
      { index: 0, text: 'EXIT' },
      { index: 1, text: 'Push to open' },
      { index: 2, text: '24 h' },
    ]);
    expect(ocrText(answer)).toBe('EXIT\nPush to open\n24 h');
    // Each line's quadrilateral, drawn in a letterboxed frame, is where its line points.
    const fit = fitContain({ width: 800, height: 400 }, { width: 400, height: 400 });
    expect(quadPoints(answer.regions[1]!.quad!, fit)).toBe(
      [
        [centre(100, 800), centre(300, 400)],
        [centre(300, 800), centre(300, 400)],
        [centre(300, 800), centre(350, 400)],
        [centre(100, 800), centre(350, 400)],
      ]
        .map(([x, y]) => `${x! / 2},${100 + y! / 2}`)
        .join(' '),
    );
  });

  it('has no lines for boxes that are not OCR quadrilaterals, nor for an OCR answer without regions', () => {
    const boxes = answerRegions(processor, 'car<loc_1><loc_2><loc_3><loc_4>', '<OD>', { id: 'img', width: 100, height: 100 })!;
    expect(ocrLines(boxes)).toEqual([]);
    const none = answerRegions(processor, 'EXIT', '<OCR_WITH_REGION>', { id: 'img', width: 100, height: 100 })!;
    expect(ocrLines(none)).toEqual([]);
    expect(ocrText(none)).toBe('');
  });
});
