/**
 * Keeps the composer's draft in storage as the person writes: a moment after they stop typing
 * (not on every keystroke), at once when the draft is emptied (sent: a reload must not bring a
 * sent message back), and whatever is waiting when the page is hidden or a chat is left. Storage
 * is never in the way of typing: a save that fails is a warning in the console, nothing more.
 */
import type { Draft, DraftStore } from '../storage/index.ts';

/** What the saver needs of the draft store (tests give it a fake). */
export type DraftStorage = Pick<DraftStore, 'get' | 'put' | 'delete'>;

/** How long typing must pause before the draft is written. */
export const DRAFT_SAVE_DELAY_MS = 400;

export const isEmptyDraft = (draft: Draft): boolean => draft.text === '' && draft.images.length === 0;

export class DraftSaver {
  #waiting: { key: string; draft: Draft; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly storage: DraftStorage,
    private readonly delayMs = DRAFT_SAVE_DELAY_MS,
  ) {}

  /** The draft of chat `key` changed. */
  edited(key: string, draft: Draft): void {
    if (this.#waiting && this.#waiting.key !== key) this.flush();
    this.#cancel();
    if (isEmptyDraft(draft)) this.#write(key, draft);
    else this.#waiting = { key, draft, timer: setTimeout(() => this.flush(), this.delayMs) };
  }

  /** Writes the draft waiting to be saved, if any, now. */
  flush(): void {
    const waiting = this.#waiting;
    this.#cancel();
    if (waiting) this.#write(waiting.key, waiting.draft);
  }

  /** The stored draft of chat `key`; none when there is none or it cannot be read. */
  async load(key: string): Promise<Draft | undefined> {
    try {
      return await this.storage.get(key);
    } catch (error) {
      console.warn('Could not read the saved draft', error);
      return undefined;
    }
  }

  #cancel(): void {
    if (this.#waiting) clearTimeout(this.#waiting.timer);
    this.#waiting = null;
  }

  #write(key: string, draft: Draft): void {
    // Inside a promise: a store that throws rather than rejects is caught the same way.
    Promise.resolve()
      .then(() => (isEmptyDraft(draft) ? this.storage.delete(key) : this.storage.put(key, draft)))
      .catch((error: unknown) => console.warn('Could not save the draft', error));
  }
}
