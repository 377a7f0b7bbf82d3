import { describe, expect, it } from 'vitest';
import { PieceSender } from './piece-sender.ts';

/** A page that takes each piece only when the test says so. */
function slowPage() {
  const received: string[] = [];
  const waiting: (() => void)[] = [];
  const deliver = (piece: string) =>
    new Promise<void>((resolve) => {
      received.push(piece);
      waiting.push(resolve);
    });
  const takeNext = async () => {
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { received, deliver, takeNext };
}

describe('PieceSender', () => {
  it('sends the first piece at once and joins what comes while it is in flight', async () => {
    const page = slowPage();
    const sender = new PieceSender(page.deliver);
    sender.push('Hel');
    expect(page.received).toEqual(['Hel']);
    sender.push('lo');
    sender.push(', ');
    sender.push('world');
    expect(page.received).toEqual(['Hel']);
    await page.takeNext();
    expect(page.received).toEqual(['Hel', 'lo, world']);
    await page.takeNext();
    await sender.drained();
    expect(page.received.join('')).toBe('Hello, world');
  });

  it('sends every piece alone when the page keeps up', async () => {
    const received: string[] = [];
    const sender = new PieceSender((piece) => received.push(piece));
    for (const piece of ['a', 'b', 'c']) {
      sender.push(piece);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await sender.drained();
    expect(received).toEqual(['a', 'b', 'c']);
  });

  it('drained waits for pieces pushed while the last one was in flight, and skips empty pieces', async () => {
    const page = slowPage();
    const sender = new PieceSender(page.deliver);
    sender.push('one');
    sender.push('');
    sender.push(' two');
    let done = false;
    const drained = sender.drained().then(() => (done = true));
    await page.takeNext();
    expect(done).toBe(false);
    await page.takeNext();
    await drained;
    expect(page.received).toEqual(['one', ' two']);
  });

  it('goes on after a delivery fails (the page went away)', async () => {
    const received: string[] = [];
    let calls = 0;
    const sender = new PieceSender((piece) => {
      if (calls++ === 0) return Promise.reject(new Error('port closed'));
      received.push(piece);
      return undefined;
    });
    sender.push('lost');
    sender.push('kept');
    await sender.drained();
    expect(received).toEqual(['kept']);
  });
});
