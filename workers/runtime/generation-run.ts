/**
 * One answer's bookkeeping while the engine runs it: the tokens generated, the text streamed to
 * the page (with backpressure, piece-sender.ts), the timings, and the single result it ends with,
 * whether it finished, was stopped or failed part way.
 */
import { zeroTimings, type ErrorInfo, type FinishReason, type GenerateResult, type GenerationTimings, type TokenCallback } from '../protocol.ts';
import { PieceSender } from './piece-sender.ts';
import { IncrementalDetokenizer } from './text-stream.ts';

export class GenerationRun {
  readonly started = performance.now();
  readonly timings: GenerationTimings = zeroTimings();
  /** Token ids generated so far. */
  readonly tokenIds: number[] = [];
  private text = '';
  private firstTokenAt = 0;
  private readonly stream: IncrementalDetokenizer;
  private readonly pieces: PieceSender;

  /** The run continues an unfinished answer: its text is appended to that answer as it is. */
  private readonly continuing: boolean;

  constructor(decode: (ids: number[]) => string, onToken: TokenCallback, { continuing = false } = {}) {
    this.continuing = continuing;
    this.stream = new IncrementalDetokenizer(decode);
    // Decoding never waits for the page; the result waits for the last piece (its port is not the
    // callback's), so the page never sees the end before all of the text.
    this.pieces = new PieceSender(onToken);
  }

  /** A new token: streamed to the page as soon as its text is complete. */
  push(token: number): void {
    this.tokenIds.push(token);
    this.emit(this.stream.push(token), 1);
    if (this.tokenIds.length === 1) {
      this.firstTokenAt = performance.now();
      this.timings.timeToFirstTokenMs = this.firstTokenAt - this.started;
    }
  }

  /** The result of a run that ended on its own or was stopped, once the page has all of its text. */
  async finish(finishReason: Exclude<FinishReason, 'error'>): Promise<GenerateResult> {
    this.emit(this.stream.finish().remainder, 0);
    await this.pieces.drained();
    const { timings, tokenIds } = this;
    timings.newTokens = tokenIds.length;
    if (this.firstTokenAt) {
      timings.decodeMs = performance.now() - this.firstTokenAt;
      timings.decodeTokensPerSecond = tokenIds.length > 1 ? ((tokenIds.length - 1) * 1000) / timings.decodeMs : 0;
    }
    timings.totalMs = performance.now() - this.started;
    return { text: this.answerText(), finishReason, timings, tokenIds };
  }

  /** The result of a run that failed after producing text: what it had, and why it ended. */
  async fail(error: ErrorInfo): Promise<GenerateResult> {
    this.timings.newTokens = this.tokenIds.length;
    this.timings.totalMs = performance.now() - this.started;
    await this.pieces.drained();
    return { text: this.answerText(), finishReason: 'error', timings: this.timings, tokenIds: this.tokenIds, error };
  }

  /**
   * A new answer without the space the model writes after "Assistant:". A continuation keeps it:
   * " blue" goes after "The sea is" as the model wrote it.
   */
  private answerText(): string {
    if (this.continuing) return this.text;
    return this.text.trim() === '' ? '' : this.text.replace(/^\s+/, '');
  }

  private emit(piece: string, tokens: number): void {
    this.text += piece;
    this.pieces.push(piece, tokens);
  }
}
