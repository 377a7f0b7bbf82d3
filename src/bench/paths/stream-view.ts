/**
 * Where the app path's answer appears on screen: pieces are written to the DOM as the chat page
 * writes them (the same `streamedTextBatcher`), so the measurement includes rendering.
 */
import { streamedTextBatcher, type FrameBatcher } from '../../lib/frame-batcher.ts';

export class StreamView {
  /** DOM writes so far. */
  updates = 0;
  private readonly batcher: FrameBatcher<string>;

  constructor(private readonly element: HTMLElement) {
    this.batcher = streamedTextBatcher((text) => {
      this.element.append(text);
      this.updates++;
    });
  }

  reset(): void {
    this.flush();
    this.element.textContent = '';
    this.updates = 0;
  }

  append(piece: string): void {
    if (piece) this.batcher.push(piece);
  }

  flush(): void {
    this.batcher.flush();
  }
}
