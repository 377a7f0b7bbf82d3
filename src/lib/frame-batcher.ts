/**
 * Collects streamed pieces and hands them over at most once per animation frame, so a fast
 * decoder causes one React render per frame instead of one per token.
 */
export class FrameBatcher {
  private pending = '';
  private frame: number | null = null;

  constructor(
    private readonly onFlush: (text: string) => void,
    private readonly schedule: (callback: () => void) => number = (callback) => requestAnimationFrame(callback),
    private readonly cancel: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
  ) {}

  push(piece: string): void {
    if (!piece) return;
    this.pending += piece;
    this.frame ??= this.schedule(() => {
      this.frame = null;
      this.flush();
    });
  }

  /** Hands over whatever is pending now (at the end of a run). */
  flush(): void {
    if (this.frame !== null) {
      this.cancel(this.frame);
      this.frame = null;
    }
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.onFlush(text);
  }

  /** Drops pending text without handing it over. */
  dispose(): void {
    if (this.frame !== null) this.cancel(this.frame);
    this.frame = null;
    this.pending = '';
  }
}
