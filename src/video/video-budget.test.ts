import { describe, expect, it } from 'vitest';
import { videoBudget } from './video-budget.ts';

describe('videoBudget', () => {
  it('fits 8 frames of 64 tokens in a new chat of 2,048 tokens', () => {
    const budget = videoBudget(8, 64, 2048, 0, 'What happens?');
    expect(budget).toMatchObject({ imageTokens: 512, fits: true, framesThatFit: 8 });
    expect(budget.videoTokens).toBe(512 + 8 * 12 + 30);
  });

  it('says how many frames fit when the conversation leaves too little room', () => {
    // 2048 - (1500 + 1 + 16) - 32 = 499 free: (499 - 30) / 76 = 6 frames.
    const budget = videoBudget(16, 64, 2048, 1500, 'Why?');
    expect(budget.fits).toBe(false);
    expect(budget.framesThatFit).toBe(6);
    expect(videoBudget(6, 64, 2048, 1500, 'Why?').fits).toBe(true);
    expect(videoBudget(1, 64, 2048, 2000, 'Why?').framesThatFit).toBe(0);
  });
});
