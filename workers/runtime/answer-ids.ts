/**
 * The token ids this runtime generated for its recent answers, by the answer's text. A follow-up's
 * prompt lays the previous answer out with these ids instead of tokenizing its text anew, which
 * can give other ids for the same text ("Hello" generated as "Hel" + "lo"): the prompt then
 * matches what the KV cache holds up to the new question, and the answer is not prefilled again.
 */

/** Answers remembered: more than a chat has turns in its context window at this model size. */
const MAX_ANSWERS = 64;

export class AnswerIds {
  readonly #byText = new Map<string, readonly number[]>();

  remember(text: string, ids: readonly number[]): void {
    const key = text.trim();
    if (!key || ids.length === 0) return;
    this.#byText.delete(key);
    this.#byText.set(key, [...ids]);
    if (this.#byText.size > MAX_ANSWERS) this.#byText.delete(this.#byText.keys().next().value!);
  }

  get(text: string): readonly number[] | undefined {
    return this.#byText.get(text.trim());
  }

  clear(): void {
    this.#byText.clear();
  }
}
