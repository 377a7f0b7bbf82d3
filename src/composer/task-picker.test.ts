/** The text a Florence-2 message carries for the task picked next to the composer. */
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../files/index.ts';
import { taskMessage } from './TaskPicker.tsx';

const image = { id: 'a', name: 'street.png', width: 640, height: 480 } as Attachment;

describe('taskMessage', () => {
  it('leaves a plain question to the worker, and sends a task token for a task without input', () => {
    expect(taskMessage('auto', 'Where is the dog?', image)).toBe('Where is the dog?');
    expect(taskMessage('<OD>', 'ignored text', image)).toBe('<OD>');
  });

  it('puts the phrase after the grounding task, and refuses it without one', () => {
    expect(taskMessage('<CAPTION_TO_PHRASE_GROUNDING>', '  the red car ', image)).toBe('<CAPTION_TO_PHRASE_GROUNDING>the red car');
    expect(() => taskMessage('<CAPTION_TO_PHRASE_GROUNDING>', ' ', image)).toThrow(/write the phrase to find/);
  });

  it('turns a region in pixels into location tokens of the attached image, naming its size when the region is malformed', () => {
    expect(taskMessage('<REGION_TO_DESCRIPTION>', '64, 48, 320 240', image)).toBe('<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>');
    expect(() => taskMessage('<REGION_TO_DESCRIPTION>', '1 2 3', image)).toThrow(/four pixel coordinates, left top right bottom \(the image is 640 x 480\)/);
    expect(() => taskMessage('<REGION_TO_DESCRIPTION>', '1 2 3 4', undefined)).toThrow(/attach the image/);
  });
});
