/**
 * Conversations in IndexedDB, images included as Blobs (IndexedDB stores them natively), so a chat
 * survives a reload. A small summaries store keeps the chat list cheap to read.
 */
import { settleInterrupted, type Conversation } from '../chat/conversation.ts';
import { CONVERSATIONS, Database, DB_NAME, done, DRAFTS, request, SUMMARIES } from './database.ts';

/** One line of the chat list. */
export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
  imageCount: number;
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
  private readonly database: Database;

  constructor(factory: IDBFactory = indexedDB, name = DB_NAME) {
    this.database = new Database(factory, name);
  }

  private open(): Promise<IDBDatabase> {
    return this.database.open();
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

  /** Deletes the chat, and its unsent draft with it. */
  async delete(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, SUMMARIES, DRAFTS], 'readwrite');
    tx.objectStore(CONVERSATIONS).delete(id);
    tx.objectStore(SUMMARIES).delete(id);
    tx.objectStore(DRAFTS).delete(id);
    await done(tx);
  }

  close(): void {
    this.database.close();
  }
}
