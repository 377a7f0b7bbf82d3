/**
 * Hands values over at most once per animation frame, so a fast producer (a decoder streaming
 * tokens, a download reporting progress, a store that changes on every token) causes one render
 * per frame instead of one per update. What arrives within a frame is combined: the latest value
 * wins unless `combine` says otherwise (streamed text is appended: `appendText`).
 *
 * `minIntervalMs` spaces the hand-overs further (the first still comes at the next frame): see
 * STREAM_RENDER_INTERVAL_MS.
 */
export class FrameBatcher<T> {
  private pending: { value: T } | null = null;
  private frame: number | null = null;
  private wait: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly onFlush: (value: T) => void,
    private readonly combine: (pending: T, next: T) => T = (_pending, next) => next,
    private readonly schedule: (callback: () => void) => number = (callback) => requestAnimationFrame(callback),
    private readonly cancel: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
    private readonly minIntervalMs = 0,
  ) {}

  push(value: T): void {
    this.pending = this.pending ? { value: this.combine(this.pending.value, value) } : { value };
    if (this.frame !== null || this.wait !== null) return;
    const early = this.lastFlush + this.minIntervalMs - performance.now();
    if (early > 0) {
      this.wait = setTimeout(() => {
        this.wait = null;
        this.requestFrame();
      }, early);
    } else {
      this.requestFrame();
    }
  }

  /** Hands over whatever is pending now (at the end of a run). */
  flush(): void {
    this.stopWaiting();
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.lastFlush = performance.now();
    this.onFlush(pending.value);
  }

  /** Drops what is pending without handing it over. */
  dispose(): void {
    this.stopWaiting();
    this.pending = null;
  }

  private requestFrame(): void {
    this.frame = this.schedule(() => {
      this.frame = null;
      this.flush();
    });
  }

  private stopWaiting(): void {
    if (this.frame !== null) this.cancel(this.frame);
    if (this.wait !== null) clearTimeout(this.wait);
    this.frame = null;
    this.wait = null;
  }
}

/**
 * Streamed answer text is drawn at most every this many ms (10 times a second), not on every
 * frame. On a device whose cores ONNX Runtime's threads all use, drawing competes with decoding:
 * in the chat page on the 2-core benchmark machine with 2 threads, the engine decoded at 32.7-32.9
 * tok/s instead of 26.8-29.0 (docs/performance.md, "Issue 12, session 7"). The first piece still
 * shows at the next frame (time to first token is unchanged).
 */
const STREAM_RENDER_INTERVAL_MS = 100;

/** The batcher streamed answer text goes through on its way to the screen: joined, drawn STREAM_RENDER_INTERVAL_MS apart. */
export function streamedTextBatcher(draw: (text: string) => void): FrameBatcher<string> {
  return new FrameBatcher(draw, appendText, undefined, undefined, STREAM_RENDER_INTERVAL_MS);
}

/** `combine` for streamed text: the pieces of a frame, in order. */
export const appendText = (pending: string, next: string): string => pending + next;
