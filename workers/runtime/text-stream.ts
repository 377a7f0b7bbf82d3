/**
 * Turns token ids into text pieces as they arrive. Byte-level BPE tokens can end in the middle
 * of a UTF-8 character, so each step decodes everything generated so far and emits only the new,
 * complete suffix, holding back a trailing U+FFFD until the next token completes it.
 */
export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  private emitted = '';

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** Adds one token; returns the new text (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const text = this.decode(this.ids);
    const stable = text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
    if (!stable.startsWith(this.emitted)) {
      // Rare: a later token changed earlier text (cleanup rules). Emit nothing now; `finish` settles it.
      return '';
    }
    const piece = stable.slice(this.emitted.length);
    this.emitted = stable;
    return piece;
  }

  /** The whole text, with whatever was held back. */
  finish(): { text: string; remainder: string } {
    const text = this.decode(this.ids);
    const remainder = text.startsWith(this.emitted) ? text.slice(this.emitted.length) : '';
    this.emitted = text;
    return { text, remainder };
  }
}
