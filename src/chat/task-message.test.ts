/** Task questions as the chat shows them, and the region a region task asked about drawn with its answer. */
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../files/index.ts';
import type { AssistantMessage } from './conversation.ts';
import { askedRegionAnswer, questionTask, questionText } from './task-message.ts';

const image = { id: 'img', name: 'street.png', width: 640, height: 360 } as Attachment;
const answer = (patch: Partial<AssistantMessage>): AssistantMessage => ({ id: 'a', role: 'assistant', text: ' a red car ', status: 'done', createdAt: 0, modelId: 'm', task: '<REGION_TO_DESCRIPTION>', ...patch });

describe('task questions in the chat', () => {
  it('reads a task message as its task and input: the region in the pixels it was drawn with, the phrase, or nothing', () => {
    const region = { imageId: 'img', box: [64, 36, 320, 180] as const };
    expect(questionTask({ text: '<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>', region })).toMatchObject({
      task: { label: 'Describe a region' },
      input: '64, 36 → 320, 180 px',
    });
    expect(questionTask({ text: '<CAPTION_TO_PHRASE_GROUNDING>the red car' })).toMatchObject({ task: { label: 'Find a phrase' }, input: 'the red car' });
    expect(questionTask({ text: '<OD>' })).toMatchObject({ task: { label: 'Find objects' }, input: '' });
    expect(questionTask({ text: 'Where is the dog?' })).toBeNull();
    expect(questionTask({ text: '<NOT_A_TASK>' })).toBeNull();
    // As a chat's title.
    expect(questionText({ text: '<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>', region })).toBe('Describe a region: 64, 36 → 320, 180 px');
    expect(questionText({ text: '<OD>' })).toBe('Find objects');
    expect(questionText({ text: 'Where is the dog?' })).toBe('Where is the dog?');
  });

  it('draws the asked region with the answer about it, in the pixels it was drawn in, and only for finished answers to region tasks', () => {
    const question = { region: { imageId: 'img', box: [64, 36, 320, 180] as const } };
    expect(askedRegionAnswer(question, answer({}), image)).toEqual({
      task: '<REGION_TO_DESCRIPTION>',
      imageId: 'img',
      width: 640,
      height: 360,
      regions: [{ label: 'a red car', box: [64, 36, 320, 180] }],
    });
    expect(askedRegionAnswer(question, answer({ status: 'streaming' }), image)).toBeUndefined();
    expect(askedRegionAnswer(question, answer({ status: 'error' }), image)).toBeUndefined();
    expect(askedRegionAnswer(question, answer({ task: '<CAPTION>' }), image)).toBeUndefined();
    expect(askedRegionAnswer({}, answer({}), image)).toBeUndefined();
    expect(askedRegionAnswer(question, answer({}), { ...image, id: 'other' })).toBeUndefined();
  });
});
