import { describe, expect, it } from 'vitest';
import { parseExamples, suggestionsFor } from './examples.ts';

const example = { image: 'shapes-1.png', width: 400, height: 300, questions: [{ question: 'How many shapes are there?', answer: '3' }] };

describe('examples', () => {
  it('keeps only well-formed examples, with plain file names', () => {
    expect(parseExamples({ examples: [example, { image: '../secret.png', questions: [] }, { image: 'x.png' }, null] })).toEqual([example]);
    expect(parseExamples(null)).toEqual([]);
    expect(parseExamples({ examples: 'nope' })).toEqual([]);
  });

  it("suggests the example's own questions to the built-in model, general ones to other models", () => {
    expect(suggestionsFor({ builtIn: true }, example)).toEqual(['How many shapes are there?']);
    expect(suggestionsFor({ builtIn: true }, null)).toContain('Where is the triangle?');
    expect(suggestionsFor({ builtIn: false }, example)).toContain('Describe this image.');
    expect(suggestionsFor(null, null)).toContain('Describe this image in detail.');
  });
});
