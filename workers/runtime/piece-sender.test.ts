import { describe, expect, it } from 'vitest';
import { PieceSender } from './piece-sender.ts';

/** A page that takes each piece only when the test says so. */
function slowPage() {
  const received: string[] = [];
  const tokens: number[] = [];
  const waiting: (() => void)[] = [];
  const deliver = (piece: string, count: number) =>
    new Promise<void>((resolve) => {
      received.push(piece);
      tokens.push(count);
      waiting.push(resolve);
    });
  const takeNext = async () => {
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { received, tokens, deliver, takeNext };
}

describe('PieceSender', () => {
  it('sends the first piece at once and joins what comes while it is in flight', async () => {
    const page = slowPage();
    const sender = new PieceSender(page.deliver);
    sender.push('Hel', 1);
    expect(page.received).toEqual(['Hel']);
    sender.push('lo', 1);
    sender.push(', ', 1);
    sender.push('world', 1);
    expect(page.received).toEqual(['Hel']);
    await page.takeNext();
    expect(page.received).toEqual(['Hel', 'lo, world']);
    // The page learns how many tokens each piece carries (for its own tokens-per-second).
    expect(page.tokens).toEqual([1, 3]);
    await page.takeNext();
    await sender.drained();
    expect(page.received.join('')).toBe('Hello, world');
  });

  it('sends every piece alone when the page keeps up', async () => {
    const received: string[] = [];
    const sender = new PieceSender((piece) => received.push(piece));
    for (const piece of ['a', 'b', 'c']) {
      sender.push(piece, 1);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await sender.drained();
    expect(received).toEqual(['a', 'b', 'c']);
  });

  it('holds back a token without text until text comes; drained waits for pieces pushed meanwhile', async () => {
    const page = slowPage();
    const sender = new PieceSender(page.deliver);
    // Half a multi-byte character: nothing to show yet, and nothing is sent.
    sender.push('', 1);
    expect(page.received).toEqual([]);
    sender.push('one', 1);
    sender.push('', 1);
    sender.push(' two', 1);
    let done = false;
    const drained = sender.drained().then(() => (done = true));
    await page.takeNext();
    expect(done).toBe(false);
    await page.takeNext();
    await drained;
    expect(page.received).toEqual(['one', ' two']);
    expect(page.tokens).toEqual([2, 2]);
  });

  it('goes on after a delivery fails (the page went away)', async () => {
    const received: string[] = [];
    let calls = 0;
    const sender = new PieceSender((piece) => {
      if (calls++ === 0) return Promise.reject(new Error('port closed'));
      received.push(piece);
      return undefined;
    });
    sender.push('lost', 1);
    sender.push('kept', 1);
    await sender.drained();
    expect(received).toEqual(['kept']);
  });
});
