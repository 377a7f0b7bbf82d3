/**
 * Streams text to the page with backpressure: at most one piece is in flight. Decoding never waits
 * for the page; text produced while a piece is on its way is joined and sent as one piece when the
 * page has taken the last. At 20 tokens/s every token travels alone; when tokens come faster than
 * the page handles messages (a fast GPU, a busy main thread) they are batched instead of queueing a
 * message (and a reply) per token. See docs/performance.md.
 */
export class PieceSender {
  private unsent = '';
  private delivering: Promise<void> | null = null;

  /** `deliver` resolves when the page has taken the piece (a Comlink proxy call does). */
  constructor(private readonly deliver: (piece: string) => unknown) {}

  push(piece: string): void {
    if (!piece) return;
    this.unsent += piece;
    if (!this.delivering) this.send();
  }

  /** Resolves once every pushed piece has been taken (a failed delivery counts as taken). */
  async drained(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  private send(): void {
    const piece = this.unsent;
    this.unsent = '';
    let taken: unknown;
    try {
      taken = this.deliver(piece);
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
