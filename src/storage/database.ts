/**
 * The app's one IndexedDB database and its object stores, and the promise wrappers the stores
 * share. Version 2 added `drafts` and `streaming-answers`; an upgrade only ever adds what is
 * missing, so the chats stored by an older version stay.
 */
import { DatabaseBlockedError, DatabaseRefusedError } from './save-failure.ts';

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

/** Why the database would not open, as the error the save failure names (see save-failure.ts). */
function openFailure(error: DOMException | null): Error {
  if (!error) return new DatabaseRefusedError('UnknownError', 'Could not open IndexedDB');
  // A database already newer than this code, and a full disk, are said as such; anything else
  // (InvalidStateError, SecurityError, UnknownError) means storage is refused here.
  if (error.name === 'VersionError' || error.name === 'QuotaExceededError') return error;
  return new DatabaseRefusedError(error.name, error.message);
}

/**
 * A connection to the database, opened on first use. A failed open is tried again on the next
 * use; a connection another tab needs closed for its upgrade (`versionchange`) is closed and
 * reopened on the next use; an open blocked by another tab's older connection rejects at once
 * with DatabaseBlockedError, and its connection is used once the other tab lets go.
 */
export class Database {
  private db: Promise<IDBDatabase> | null = null;
  /** An open request waiting for another tab to close its older connection. */
  private blocked = false;

  constructor(
    private readonly factory: IDBFactory,
    private readonly name: string,
  ) {}

  open(): Promise<IDBDatabase> {
    if (this.db) return this.db;
    if (this.blocked) return Promise.reject(new DatabaseBlockedError());
    const opening = new Promise<IDBDatabase>((resolve, reject) => {
      let req: IDBOpenDBRequest;
      try {
        req = this.factory.open(this.name, DB_VERSION);
      } catch (error) {
        // Some browsers throw here instead of failing the request (SecurityError in an opaque origin).
        reject(openFailure(error instanceof DOMException ? error : null));
        return;
      }
      let rejectedAsBlocked = false;
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(CONVERSATIONS)) db.createObjectStore(CONVERSATIONS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
        if (!db.objectStoreNames.contains(DRAFTS)) db.createObjectStore(DRAFTS, { keyPath: 'key' });
        if (!db.objectStoreNames.contains(STREAMING_ANSWERS)) db.createObjectStore(STREAMING_ANSWERS, { keyPath: 'conversationId' });
      };
      req.onsuccess = () => {
        const db = req.result;
        this.blocked = false;
        const connection = rejectedAsBlocked ? Promise.resolve(db) : opening;
        const forget = () => {
          if (this.db === connection) this.db = null;
        };
        // A newer version of the app in another tab wants to upgrade: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        // The browser closed it (site data cleared, disk gone): reopen on next use.
        db.onclose = forget;
        if (!rejectedAsBlocked) resolve(db);
        else if (this.db === null) this.db = connection;
        else db.close();
      };
      req.onerror = () => {
        this.blocked = false;
        reject(openFailure(req.error));
      };
      req.onblocked = () => {
        // The request stays queued and succeeds once the other tab closes; until then, say why.
        this.blocked = true;
        rejectedAsBlocked = true;
        reject(new DatabaseBlockedError());
      };
    });
    this.db = opening;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  close(): void {
    void this.db?.then((db) => db.close(), () => undefined);
    this.db = null;
  }
}
