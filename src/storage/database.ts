/**
 * The app's one IndexedDB database and its object stores, and the promise wrappers the stores
 * share. Version 2 added `drafts` and `streaming-answers`; an upgrade only ever adds what is
 * missing, so the chats stored by an older version stay.
 */
export const DB_NAME = 'vlm-chat';
const DB_VERSION = 2;
export const CONVERSATIONS = 'conversations';
export const SUMMARIES = 'summaries';
/** The composer's unsent text and images, one record per chat (since version 2). */
export const DRAFTS = 'drafts';
/** The text of an answer as it streams, one record per chat, apart from the chat (since version 2). */
export const STREAMING_ANSWERS = 'streaming-answers';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** A connection to the database, opened on first use (and again after another tab upgraded it). */
export class Database {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly factory: IDBFactory,
    private readonly name: string,
  ) {}

  open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(this.name, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(CONVERSATIONS)) db.createObjectStore(CONVERSATIONS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
        if (!db.objectStoreNames.contains(DRAFTS)) db.createObjectStore(DRAFTS, { keyPath: 'key' });
        if (!db.objectStoreNames.contains(STREAMING_ANSWERS)) db.createObjectStore(STREAMING_ANSWERS, { keyPath: 'conversationId' });
      };
      req.onsuccess = () => {
        const db = req.result;
        // A newer version of the app in another tab wants to upgrade: let it, and reopen on next use.
        db.onversionchange = () => this.close();
        resolve(db);
      };
      req.onerror = () => reject(req.error ?? new Error('Could not open IndexedDB'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab with an older version of this app.'));
    });
    return this.db;
  }

  close(): void {
    void this.db?.then((db) => db.close(), () => undefined);
    this.db = null;
  }
}
