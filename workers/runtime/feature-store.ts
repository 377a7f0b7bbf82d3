/**
 * Image features the vision encoder computed, kept by what determines them: the image's content,
 * how it was laid out (edge, tiling) and the model that encoded it. The vision encoder is most of
 * the time to a first token (3.7 of 4.1 s for a 512 px image on WASM), and the same features are
 * wanted again for a regenerate, an edit-and-resend, the same picture in a new chat, or a
 * generation that follows work prepared while the person typed. Least recently used go first
 * once the byte budget is exceeded, so features of an image that is never sent cost at most the
 * budget.
 */

export interface ImageFeatures {
  /** One row of `hidden` values per image token, in the order of the image's tokens. */
  readonly data: Float32Array | Uint16Array;
  readonly type: 'float32' | 'float16';
  readonly rows: number;
  readonly hidden: number;
}

/** Enough for a dozen images tiled at `auto` on the 256M model (1,088 rows of 576 floats each). */
export const FEATURE_BUDGET_BYTES = 64 * 1024 * 1024;

export class FeatureStore {
  readonly #entries = new Map<string, ImageFeatures>();
  #bytes = 0;

  constructor(readonly budgetBytes = FEATURE_BUDGET_BYTES) {}

  get(key: string): ImageFeatures | undefined {
    const features = this.#entries.get(key);
    if (!features) return undefined;
    // Refresh its place in the least-recently-used order.
    this.#entries.delete(key);
    this.#entries.set(key, features);
    return features;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Keeps `features` unless they alone exceed the budget; evicts the oldest to make room. */
  set(key: string, features: ImageFeatures): void {
    this.delete(key);
    const size = features.data.byteLength;
    if (size > this.budgetBytes) return;
    this.#entries.set(key, features);
    this.#bytes += size;
    for (const [oldKey, old] of this.#entries) {
      if (this.#bytes <= this.budgetBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= old.data.byteLength;
    }
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.data.byteLength;
  }

  get bytes(): number {
    return this.#bytes;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
