/** The message a Florence-2 task sends for the task picked next to the composer, and what it refuses before sending. */
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../files/index.ts';
import { takesRegion, taskRequest } from './TaskPicker.tsx';

const image = { id: 'a', name: 'street.png', width: 640, height: 480 } as Attachment;

describe('taskRequest', () => {
  it('leaves a plain question to the worker, and sends a task token for a task without input', () => {
    expect(taskRequest('auto', 'Where is the dog?', image)).toEqual({ text: 'Where is the dog?' });
    expect(taskRequest('<OD>', 'ignored text', image)).toEqual({ text: '<OD>' });
  });

  it('puts the phrase after the grounding task, and refuses it without one', () => {
    expect(taskRequest('<CAPTION_TO_PHRASE_GROUNDING>', '  the red car ', image)).toEqual({ text: '<CAPTION_TO_PHRASE_GROUNDING>the red car' });
    expect(() => taskRequest('<CAPTION_TO_PHRASE_GROUNDING>', ' ', image)).toThrow(/write the phrase to find/);
  });

  it('turns a region in pixels into location tokens of the image and keeps the region in pixels for the chat', () => {
    expect(taskRequest('<REGION_TO_DESCRIPTION>', '64, 48, 320 240', image)).toEqual({
      text: '<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>',
      region: { imageId: 'a', box: [64, 48, 320, 240] },
    });
    // Corners given right to left, bottom to top: the same box.
    expect(taskRequest('<REGION_TO_OCR>', '320 240 64 48', image)).toEqual({
      text: '<REGION_TO_OCR><loc_100><loc_100><loc_500><loc_500>',
      region: { imageId: 'a', box: [64, 48, 320, 240] },
    });
    expect(takesRegion('<REGION_TO_CATEGORY>')).toBe(true);
    expect(takesRegion('<OD>')).toBe(false);
    expect(takesRegion('auto')).toBe(false);
  });

  it('refuses, with what to do, a task without an image, a malformed region, one with no area and one outside the image', () => {
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '1 2 3 4', undefined)).toThrow(/needs an image: attach the image the region is in/);
    expect(() => taskRequest('<OD>', '', undefined)).toThrow(/Find objects needs an image/);
    expect(() => taskRequest('auto', 'What is this?', undefined)).toThrow(/needs an image/);
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '1 2 3', image)).toThrow(/drag a box over the image, or write the region .* four pixel coordinates, left top right bottom \(the image is 640 × 480\)/);
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '', image)).toThrow(/drag a box over the image/);
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '10 20 10 80', image)).toThrow(/10 20 10 80 has no area/);
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '600 400 700 470', image)).toThrow(/reaches outside the image, which is 640 × 480 pixels: left and right go from 0 to 640/);
    expect(() => taskRequest('<REGION_TO_DESCRIPTION>', '-5 0 100 100', image)).toThrow(/reaches outside the image/);
  });
});
