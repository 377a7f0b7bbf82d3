/**
 * Where the app path's answer appears on screen: pieces are appended to a buffer and written to
 * the DOM once per animation frame, as a chat view should, so the measurement includes rendering.
 */
export class StreamView {
  private pending = '';
  private frame = 0;
  /** DOM writes so far. */
  updates = 0;

  constructor(private readonly element: HTMLElement) {}

  reset(): void {
    this.flush();
    this.element.textContent = '';
    this.updates = 0;
  }

  append(piece: string): void {
    this.pending += piece;
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (!this.pending) return;
    this.element.append(this.pending);
    this.pending = '';
    this.updates++;
  }
}
