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

  /**
   * `deliver` resolves when the page has taken the piece (a Comlink proxy call does).
   * `waitForPage` false: every piece goes at once, without waiting for the page to take the one
   * before. For a decode loop that does not hop to its event loop before every step (it has a stop
   * flag, engine.ts), where the page's replies arrive only every few tens of ms: waiting for them
   * would hold the text back that long.
   */
  constructor(
    private readonly deliver: (piece: string, tokens: number) => unknown,
    private readonly waitForPage = true,
  ) {}

  /** The text of `tokens` decoded tokens (empty while a character is still incomplete). */
  push(piece: string, tokens: number): void {
    this.unsent += piece;
    this.unsentTokens += tokens;
    if (this.unsent && (!this.waitForPage || !this.delivering)) this.send();
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
    // Settles once this piece and every one before it were taken.
    const before = this.delivering;
    const delivering: Promise<void> = Promise.all([before, Promise.resolve(taken).catch(() => undefined)]).then(() => {
      if (this.delivering !== delivering) return;
      this.delivering = null;
      if (this.unsent) this.send();
    });
    this.delivering = delivering;
  }
}
