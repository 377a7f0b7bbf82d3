import { describe, expect, it } from 'vitest';
import { videoBudget } from './video-budget.ts';

describe('videoBudget', () => {
  it('fits 8 frames of 64 tokens in a new chat of 2,048 tokens', () => {
    const budget = videoBudget(8, 64, 2048, 0, 'What happens?');
    expect(budget).toMatchObject({ imageTokens: 512, fits: true, framesThatFit: 8 });
    expect(budget.videoTokens).toBe(512 + 8 * 20 + 60);
  });

  it('says how many frames fit when the conversation leaves too little room', () => {
    // 2048 - (1500 + 2 + 16) - 32 = 498 free: (498 - 60) / 84 = 5 frames.
    const budget = videoBudget(16, 64, 2048, 1500, 'Why?');
    expect(budget.fits).toBe(false);
    expect(budget.framesThatFit).toBe(5);
    expect(videoBudget(5, 64, 2048, 1500, 'Why?').fits).toBe(true);
    expect(videoBudget(1, 64, 2048, 2000, 'Why?').framesThatFit).toBe(0);
  });
});
