/**
 * Conversations in IndexedDB, images included as Blobs (IndexedDB stores them natively), so a chat
 * survives a reload. A small summaries store keeps the chat list cheap to read. The text of an
 * answer still streaming is written on its own, often: writing the whole chat would copy its image
 * Blobs again each time (browsers do not share them between writes).
 */
import { settleInterrupted, withStreamedText, type Conversation } from '../chat/conversation.ts';
import { CONVERSATIONS, Database, DB_NAME, done, DRAFTS, request, STREAMING_ANSWERS, SUMMARIES } from './database.ts';

/** An answer's text as it streams, saved apart from its chat until the chat is written again. */
interface StreamingAnswerRecord {
  conversationId: string;
  answerId: string;
  text: string;
  savedAt: number;
}

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

  /** The chat, with an answer that was still streaming when the page went away settled (settleInterrupted). */
  async get(id: string): Promise<Conversation | undefined> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, STREAMING_ANSWERS]);
    const [conversation, streamed] = await Promise.all([
      request(tx.objectStore(CONVERSATIONS).get(id) as IDBRequest<Conversation | undefined>),
      request(tx.objectStore(STREAMING_ANSWERS).get(id) as IDBRequest<StreamingAnswerRecord | undefined>),
    ]);
    if (!conversation) return undefined;
    return settleInterrupted(streamed ? withStreamedText(conversation, streamed.answerId, streamed.text) : conversation);
  }

  /** Writes the whole chat; the text saved for a streaming answer is in it now. */
  async put(conversation: Conversation): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, SUMMARIES, STREAMING_ANSWERS], 'readwrite');
    tx.objectStore(CONVERSATIONS).put(conversation);
    tx.objectStore(SUMMARIES).put(summarize(conversation));
    tx.objectStore(STREAMING_ANSWERS).delete(conversation.id);
    // Commit now rather than once the event loop comes back round: a save on pagehide may not get that far.
    tx.commit();
    await done(tx);
  }

  /** Saves the text so far of the answer `answerId` streaming in chat `conversationId` (the chat itself was written when it was asked). */
  async putStreamingAnswer(conversationId: string, answerId: string, text: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STREAMING_ANSWERS, 'readwrite');
    const record: StreamingAnswerRecord = { conversationId, answerId, text, savedAt: Date.now() };
    tx.objectStore(STREAMING_ANSWERS).put(record);
    tx.commit();
    await done(tx);
  }

  /** Deletes the chat, and its unsent draft with it. */
  async delete(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([CONVERSATIONS, SUMMARIES, DRAFTS, STREAMING_ANSWERS], 'readwrite');
    tx.objectStore(CONVERSATIONS).delete(id);
    tx.objectStore(SUMMARIES).delete(id);
    tx.objectStore(DRAFTS).delete(id);
    tx.objectStore(STREAMING_ANSWERS).delete(id);
    await done(tx);
  }

  close(): void {
    this.database.close();
  }
}
