/**
 * Conversations in IndexedDB, images included as Blobs (IndexedDB stores them natively), so a chat
 * survives a reload. A small summaries store keeps the chat list cheap to read.
 */
import { settleInterrupted, type Conversation } from '../chat/conversation.ts';

export const DB_NAME = 'vlm-chat';
const DB_VERSION = 1;
const CONVERSATIONS = 'conversations';
const SUMMARIES = 'summaries';

/** One line of the chat list. */
export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
  imageCount: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

export function summarize(conversation: Conversation): ConversationSummary {
  return {
    id: conversation.id,
    title: conversation.title || 'New chat',
    updatedAt: conversation.updatedAt,
    messageCount: conversation.messages.length,
    imageCount: conversation.messages.reduce((sum, message) => sum + (message.role === 'user' ? message.images.length : 0), 0),
  };
}

export class ConversationStore {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly factory: IDBFactory = indexedDB,
    private readonly name = DB_NAME,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(this.name, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(CONVERSATIONS)) db.createObjectStore(CONVERSATIONS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('Could not open IndexedDB'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab with an older version of this app.'));
    });
    return this.db;
  }

  /** Newest first. */
  async list(): Promise<ConversationSummary[]> {
    const db = await this.open();
    const summaries = await request(db.transaction(SUMMARIES).objectStore(SUMMARIES).getAll() as IDBRequest<ConversationSummary[]>);
    return summaries.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async get(id: string): Promise<Conversation | undefined> {
    const db = await this.open();
    const conversation = await request(db.transaction(CONVERSATIONS).objectStore(CONVERSATIONS).get(id) as IDBRequest<Conversation | undefined>);
    return conversation && settleInterrupted(conversation);
  }

  async put(conversation: Conversation): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, SUMMARIES], 'readwrite');
    tx.objectStore(CONVERSATIONS).put(conversation);
    tx.objectStore(SUMMARIES).put(summarize(conversation));
    // Commit now rather than once the event loop comes back round: a save on pagehide may not get that far.
    tx.commit();
    await done(tx);
  }

  async delete(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, SUMMARIES], 'readwrite');
    tx.objectStore(CONVERSATIONS).delete(id);
    tx.objectStore(SUMMARIES).delete(id);
    await done(tx);
  }

  close(): void {
    void this.db?.then((db) => db.close());
    this.db = null;
  }
}
