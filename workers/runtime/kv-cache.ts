/**
 * The decoder's key/value cache, kept between calls so a follow-up question only runs the new
 * tokens. It remembers which token ids (and which images, since every image is the same run of
 * `<image>` ids) its entries were computed from, so reuse is exact: a prompt reuses the longest
 * prefix whose ids and images match, and the cache is cut back to that prefix.
 */
import { Tensor } from '@huggingface/transformers';
import type { PreparedPrompt } from '../families/family.ts';
import { disposeTensors, type OrtFeeds, type OrtSession, type OrtTensor } from './ort-types.ts';

const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

interface CachedImage {
  key: string;
  firstImageToken: number;
}

export class KvCache {
  /** Token ids whose keys/values the cache holds, in order. */
  ids: number[] = [];
  private images: CachedImage[] = [];
  private past: Map<string, OrtTensor> | null = null;

  constructor(private readonly decoder: OrtSession) {}

  get length(): number {
    return this.ids.length;
  }

  /**
   * How many leading tokens of `prompt` can come from the cache. Never the whole prompt: the
   * decoder needs at least one new token to produce the next logits.
   */
  reusablePrefix(prompt: PreparedPrompt): number {
    const limit = Math.min(this.ids.length, prompt.ids.length - 1);
    let length = 0;
    while (length < limit && this.ids[length] === prompt.ids[length]) length++;
    // Equal ids are not enough for images: stop before the first image that differs.
    for (const image of prompt.images) {
      if (image.firstImageToken >= length) break;
      const cached = this.images.find((entry) => entry.firstImageToken === image.firstImageToken);
      if (!cached || cached.key !== image.key || image.endImageToken > length) {
        length = Math.min(length, image.firstImageToken);
        break;
      }
    }
    return length;
  }

  /** The past inputs for the next decoder run (zero-length tensors when empty). */
  feeds(): OrtFeeds {
    if (this.past) return Object.fromEntries(this.past);
    const feeds: OrtFeeds = {};
    for (const meta of this.decoder.inputMetadata) {
      if (!meta.name.startsWith(PAST_PREFIX) || !meta.isTensor) continue;
      // [batch_size, num_key_value_heads, past_sequence_length, head_dim] with batch 1 and past 0.
      const dims = meta.shape.map((dim, index) => (typeof dim === 'number' ? dim : index === 0 ? 1 : 0));
      const type = meta.type === 'float16' ? 'float16' : 'float32';
      const data = type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
      feeds[meta.name] = new Tensor(type, data, dims).ort_tensor as OrtTensor;
    }
    return feeds;
  }

  /**
   * Takes the decoder's `present.*` outputs as the new cache, releasing the old one. An
   * encoder-decoder's cross-attention entries (`present.N.encoder.*`) are computed by the first
   * step only; a merged decoder's later steps output placeholders for them, so the first ones are
   * kept (as transformers.js does).
   */
  update(outputs: Record<string, OrtTensor>, fedIds: readonly number[], prompt?: PreparedPrompt): void {
    const next = new Map<string, OrtTensor>();
    const kept = new Set<OrtTensor>();
    for (const [name, tensor] of Object.entries(outputs)) {
      if (!name.startsWith(PRESENT_PREFIX)) continue;
      const pastName = PAST_PREFIX + name.slice(PRESENT_PREFIX.length);
      const crossAttention = this.past?.get(pastName);
      if (crossAttention && name.includes('.encoder.')) {
        disposeTensors([tensor]);
        kept.add(crossAttention);
        next.set(pastName, crossAttention);
      } else {
        next.set(pastName, tensor);
      }
    }
    if (this.past) disposeTensors([...this.past.values()].filter((tensor) => !kept.has(tensor)));
    this.past = next;
    const start = this.ids.length;
    this.ids.push(...fedIds);
    if (prompt) {
      for (const image of prompt.images) {
        if (image.firstImageToken >= start) this.images.push({ key: image.key, firstImageToken: image.firstImageToken });
      }
    }
  }

  /** Cuts the cache back to its first `length` tokens. */
  async truncate(length: number): Promise<void> {
    if (length >= this.ids.length) return;
    if (length === 0 || !this.past) {
      this.clear();
      return;
    }
    const next = new Map<string, OrtTensor>();
    for (const [name, tensor] of this.past) {
      const [batch, heads, sequence, headDim] = tensor.dims as [number, number, number, number];
      // GPU tensors are read back once here; this only happens on regenerate or edited history.
      const data = (await tensor.getData()) as Float32Array | Uint16Array;
      const Kind = data.constructor as { new (length: number): Float32Array | Uint16Array };
      const sliced = new Kind(batch * heads * length * headDim);
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < heads; h++) {
          const from = ((b * heads + h) * sequence) * headDim;
          const to = ((b * heads + h) * length) * headDim;
          sliced.set(data.subarray(from, from + length * headDim), to);
        }
      }
      next.set(name, new Tensor(tensor.type as 'float32', sliced as Float32Array, [batch, heads, length, headDim]).ort_tensor as OrtTensor);
    }
    disposeTensors(this.past.values());
    this.past = next;
    this.ids = this.ids.slice(0, length);
    this.images = this.images.filter((image) => image.firstImageToken < length);
  }

  clear(): void {
    if (this.past) disposeTensors(this.past.values());
    this.past = null;
    this.ids = [];
    this.images = [];
  }
}
