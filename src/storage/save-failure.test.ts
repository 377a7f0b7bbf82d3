/**
 * The database when the browser's storage fails: an open blocked by another tab's older
 * connection, a connection another tab's upgrade needs closed, an open the browser refuses, and
 * the plain words each cause becomes.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ConversationStore } from './db.ts';
import { DatabaseBlockedError, DatabaseRefusedError, saveFailureCause, saveFailureWarning } from './save-failure.ts';
import type { Conversation } from '../chat/conversation.ts';

const chat = (id: string): Conversation => ({
  id,
  title: 'Chat',
  createdAt: 0,
  updatedAt: 1,
  messages: [{ id: `${id}-u`, role: 'user', text: 'Hi', images: [], createdAt: 1 }],
});

function openAt(name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

describe('Database when storage fails', () => {
  it('says an open is blocked by an older connection in another tab, and saves once that tab lets go', async () => {
    const name = `blocked-${Math.random()}`;
    const olderTab = await openAt(name, 1); // ignores versionchange, as an older app version may
    const store = new ConversationStore(indexedDB, name);
    await expect(store.put(chat('a'))).rejects.toBeInstanceOf(DatabaseBlockedError);
    // Still blocked: no second request piles up behind the first.
    await expect(store.put(chat('a'))).rejects.toBeInstanceOf(DatabaseBlockedError);
    olderTab.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.put(chat('a'));
    expect((await store.list()).map((summary) => summary.id)).toEqual(['a']);
  });

  it('closes its connection for another tab upgrading, then reports the newer version', async () => {
    const name = `upgrade-${Math.random()}`;
    const store = new ConversationStore(indexedDB, name);
    await store.put(chat('a'));
    const newerTab = await openAt(name, 3); // would stay blocked had the store kept its connection
    newerTab.close();
    const failure = await store.put(chat('b')).catch((error: unknown) => error);
    expect(saveFailureCause(failure)).toBe('newer-version');
  });

  it('says storage is refused when the browser will not open the database, and tries again next time', async () => {
    let refuse = true;
    const factory = new Proxy(indexedDB, {
      get: (target, key) =>
        key === 'open'
          ? (name: string, version?: number) => {
              if (refuse) throw new DOMException('The user denied permission to access the database.', 'SecurityError');
              return target.open(name, version);
            }
          : Reflect.get(target, key, target),
    });
    const store = new ConversationStore(factory, `refused-${Math.random()}`);
    const failure = await store.put(chat('a')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseRefusedError);
    expect(saveFailureWarning(failure)).toMatch(/refuses storage here \(a private window or a site setting\), so chats will not be kept after this tab closes/);
    refuse = false;
    await store.put(chat('a'));
    expect((await store.list()).map((summary) => summary.id)).toEqual(['a']);
  });

  it('puts each cause in plain words', () => {
    expect(saveFailureWarning(new DOMException('Quota exceeded.', 'QuotaExceededError'))).toBe(
      "This chat is not being saved on this device: the browser's storage for this site is full. Delete downloaded models or old chats in Settings to make room; saving resumes by itself.",
    );
    expect(saveFailureWarning(new DatabaseBlockedError())).toContain('another tab of this app is open with an older version. Close it to save chats');
    expect(saveFailureWarning(new DOMException('Disk broke', 'UnknownError'))).toBe('This chat is not being saved on this device: Disk broke. Saving is tried again with the next change.');
  });
});
