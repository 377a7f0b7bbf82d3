import { describe, expect, it } from 'vitest';
import { AnswerIds } from './answer-ids.ts';

describe('AnswerIds', () => {
  it('finds the ids of an answer by its trimmed text and forgets the oldest beyond its limit', () => {
    const answers = new AnswerIds();
    answers.remember(' The sky is blue.', [5, 6, 7]);
    expect(answers.get('The sky is blue.\n')).toEqual([5, 6, 7]);
    answers.remember('', [1]);
    answers.remember('empty', []);
    expect(answers.get('')).toBeUndefined();
    expect(answers.get('empty')).toBeUndefined();
    for (let i = 0; i < 64; i++) answers.remember(`answer ${i}`, [i]);
    expect(answers.get('The sky is blue.')).toBeUndefined();
    expect(answers.get('answer 63')).toEqual([63]);
  });
});
