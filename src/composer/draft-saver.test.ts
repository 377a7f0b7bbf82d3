import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attachment } from '../files/index.ts';
import type { Draft } from '../storage/index.ts';
import { DraftSaver, type DraftStorage } from './draft-saver.ts';

const image: Attachment = { id: 'i1', blob: new Blob(['x']), name: 'a.png', format: 'png', width: 4, height: 3 };

/** A draft store in memory that records each write. */
function memoryStorage() {
  const stored = new Map<string, Draft>();
  const writes: string[] = [];
  const storage: DraftStorage = {
    get: async (key) => stored.get(key),
    put: async (key, draft) => void (writes.push(`put ${key} ${draft.text}`), stored.set(key, draft)),
    delete: async (key) => void (writes.push(`delete ${key}`), stored.delete(key)),
  };
  return { storage, stored, writes };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('DraftSaver', () => {
  it('writes once typing pauses, the latest text only', async () => {
    const { storage, writes } = memoryStorage();
    const saver = new DraftSaver(storage, 400);
    saver.edited('c1', { text: 'W', images: [] });
    await vi.advanceTimersByTimeAsync(200);
    saver.edited('c1', { text: 'What', images: [image] });
    await vi.advanceTimersByTimeAsync(399);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual(['put c1 What']);
  });

  it('deletes an emptied draft at once, dropping the save still waiting', async () => {
    const { storage, stored, writes } = memoryStorage();
    const saver = new DraftSaver(storage, 400);
    stored.set('c1', { text: 'Sent question', images: [] });
    saver.edited('c1', { text: 'Sent question!', images: [] });
    saver.edited('c1', { text: '', images: [] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toEqual(['delete c1']);
    expect(stored.has('c1')).toBe(false);
  });

  it('writes what waits on flush, and before another chat’s draft', async () => {
    const { storage, writes } = memoryStorage();
    const saver = new DraftSaver(storage, 400);
    saver.edited('c1', { text: 'First chat', images: [] });
    saver.edited('c2', { text: 'Second chat', images: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(writes).toEqual(['put c1 First chat']);
    saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(writes).toEqual(['put c1 First chat', 'put c2 Second chat']);
    saver.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toHaveLength(2);
  });

  it('never lets a failing store reach the person typing: a warning in the console', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saver = new DraftSaver(
      {
        get: () => Promise.reject(new Error('IndexedDB is gone')),
        put: () => Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError')),
        delete: () => {
          throw new Error('The database connection is closing.');
        },
      },
      400,
    );
    expect(() => saver.edited('c1', { text: 'typing', images: [image] })).not.toThrow();
    await vi.advanceTimersByTimeAsync(400);
    expect(() => saver.edited('c1', { text: '', images: [] })).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(await saver.load('c1')).toBeUndefined();
    expect(warn.mock.calls.map(([message]) => message)).toEqual(['Could not save the draft', 'Could not save the draft', 'Could not read the saved draft']);
  });
});
