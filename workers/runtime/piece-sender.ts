/**
 * Streams text to the page with backpressure: at most one piece is in flight. Decoding never waits
 * for the page; text produced while a piece is on its way is joined and sent as one piece when the
 * page has taken the last. At 20 tokens/s every token travels alone; when tokens come faster than
 * the page handles messages (a fast GPU, a busy main thread) they are batched instead of queueing a
 * message (and a reply) per token. See docs/performance.md.
 */
export class PieceSender {
  private unsent = '';
  private unsentTokens = 0;
  private delivering: Promise<void> | null = null;

  /** `deliver` resolves when the page has taken the piece (a Comlink proxy call does). */
  constructor(private readonly deliver: (piece: string, tokens: number) => unknown) {}

  /** The text of `tokens` decoded tokens (empty while a character is still incomplete). */
  push(piece: string, tokens: number): void {
    this.unsent += piece;
    this.unsentTokens += tokens;
    if (this.unsent && !this.delivering) this.send();
  }

  /** Resolves once every pushed piece has been taken (a failed delivery counts as taken). */
  async drained(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  private send(): void {
    const piece = this.unsent;
    const tokens = this.unsentTokens;
    this.unsent = '';
    this.unsentTokens = 0;
    let taken: unknown;
    try {
      taken = this.deliver(piece, tokens);
    } catch {
      taken = undefined;
    }
    this.delivering = Promise.resolve(taken)
      .catch(() => undefined)
      .then(() => {
        this.delivering = null;
        if (this.unsent) this.send();
      });
  }
}
