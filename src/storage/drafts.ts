/**
 * The composer's unsent draft, one per chat, in IndexedDB: its text and the images attached (as
 * Blobs), so a reload or a closed tab does not lose what was being written. What comes back is
 * checked: an image whose record is malformed or whose bytes can no longer be read (site data
 * partly cleared, a disk error) is left out, never a crash.
 */
import { sniffKind, type Attachment } from '../files/index.ts';
import { Database, DB_NAME, done, DRAFTS, request } from './database.ts';

/** What the composer holds: text and images waiting to be sent. */
export interface Draft {
  text: string;
  images: Attachment[];
}

interface DraftRecord extends Draft {
  key: string;
  savedAt: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** A stored image, if its record is whole and its bytes still read as the format it was taken in as. */
async function restorableImage(value: unknown): Promise<Attachment | null> {
  if (!isObject(value)) return null;
  const { id, blob, name, format, width, height } = value;
  if (typeof id !== 'string' || !(blob instanceof Blob) || typeof name !== 'string' || typeof format !== 'string' || !isSize(width) || !isSize(height)) return null;
  try {
    // A Blob whose bytes are gone only says so when read.
    if (sniffKind(new Uint8Array(await blob.slice(0, 64).arrayBuffer())) !== format) return null;
  } catch {
    return null;
  }
  return { id, blob, name, format: format as Attachment['format'], width, height };
}

/** A stored draft as the composer can take it back; images that cannot be restored are left out. */
export async function draftFromRecord(record: unknown): Promise<Draft | undefined> {
  if (!isObject(record)) return undefined;
  const stored = Array.isArray(record.images) ? (record.images as unknown[]) : [];
  const images = (await Promise.all(stored.map(restorableImage))).filter((image) => image !== null);
  if (images.length < stored.length) console.warn(`${stored.length - images.length} image(s) of a saved draft could not be restored and were left out.`);
  return { text: typeof record.text === 'string' ? record.text : '', images };
}

export class DraftStore {
  private readonly database: Database;

  constructor(factory: IDBFactory = indexedDB, name = DB_NAME) {
    this.database = new Database(factory, name);
  }

  async get(key: string): Promise<Draft | undefined> {
    const db = await this.database.open();
    return draftFromRecord(await request(db.transaction(DRAFTS).objectStore(DRAFTS).get(key)));
  }

  async put(key: string, { text, images }: Draft): Promise<void> {
    const db = await this.database.open();
    const tx = db.transaction(DRAFTS, 'readwrite');
    const record: DraftRecord = { key, text, images, savedAt: Date.now() };
    tx.objectStore(DRAFTS).put(record);
    // Commit now: a save on pagehide may not get another turn of the event loop.
    tx.commit();
    await done(tx);
  }

  async delete(key: string): Promise<void> {
    const db = await this.database.open();
    const tx = db.transaction(DRAFTS, 'readwrite');
    tx.objectStore(DRAFTS).delete(key);
    tx.commit();
    await done(tx);
  }

  close(): void {
    this.database.close();
  }
}
