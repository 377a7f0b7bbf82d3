/**
 * Hands values over at most once per animation frame, so a fast producer (a decoder streaming
 * tokens, a download reporting progress, a store that changes on every token) causes one render
 * per frame instead of one per update. What arrives within a frame is combined: the latest value
 * wins unless `combine` says otherwise (streamed text is appended: `appendText`).
 */
export class FrameBatcher<T> {
  private pending: { value: T } | null = null;
  private frame: number | null = null;

  constructor(
    private readonly onFlush: (value: T) => void,
    private readonly combine: (pending: T, next: T) => T = (_pending, next) => next,
    private readonly schedule: (callback: () => void) => number = (callback) => requestAnimationFrame(callback),
    private readonly cancel: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
  ) {}

  push(value: T): void {
    this.pending = this.pending ? { value: this.combine(this.pending.value, value) } : { value };
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
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.onFlush(pending.value);
  }

  /** Drops what is pending without handing it over. */
  dispose(): void {
    if (this.frame !== null) this.cancel(this.frame);
    this.frame = null;
    this.pending = null;
  }
}

/** `combine` for streamed text: the pieces of a frame, in order. */
export const appendText = (pending: string, next: string): string => pending + next;
