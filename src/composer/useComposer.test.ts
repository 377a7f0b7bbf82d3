import { describe, expect, it } from 'vitest';
import { tooManyImagesMessage } from './useComposer.ts';

describe('tooManyImagesMessage', () => {
  it('names the limit, the model and what was left out', () => {
    expect(tooManyImagesMessage(4, 'SmolVLM 256M', ['e.png'])).toBe(
      'A message can carry at most 4 images with SmolVLM 256M; “e.png” was not added. Send these first, or remove one.',
    );
    expect(tooManyImagesMessage(4, 'SmolVLM 256M', ['e.png', 'f.png'])).toContain('2 images were not added (“e.png”, “f.png”)');
  });
});
