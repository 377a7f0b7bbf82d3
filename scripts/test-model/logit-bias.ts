/**
 * Constant bias added to the random decoder's logits.
 *
 * A randomly initialised model would pick arbitrary ids: control bytes,
 * broken UTF-8 fragments, and (fatally for tests and demos) special tokens
 * such as <end_of_utterance>, which would end generation after a random
 * number of tokens. The bias:
 *  - leaves tokens made only of ASCII letters, spaces and , . ' ! ? at 0, so
 *    the network's own (image- and prompt-dependent) logits choose among them;
 *  - pushes every other byte/merge down by OTHER_TOKEN_BIAS;
 *  - pushes special tokens (<end_of_utterance>, <image>, <|im_end|>, ...) and
 *    the vocabulary padding rows down by SPECIAL_TOKEN_BIAS, far beyond what
 *    the random logits can overcome, so greedy decoding never emits them and
 *    always runs to max_new_tokens.
 */
export const OTHER_TOKEN_BIAS = -12;
export const SPECIAL_TOKEN_BIAS = -1000;

const READABLE = /^[A-Za-z ,.'!?]+$/;

/**
 * @param tokenBytes bytes of each vocabulary id (empty for special tokens)
 * @param vocabSize rows of lm_head (>= tokenBytes.length; the rest are special tokens or padding)
 */
export function buildLogitBias(tokenBytes: readonly Uint8Array[], vocabSize: number): Float32Array {
  const bias = new Float32Array(vocabSize).fill(SPECIAL_TOKEN_BIAS);
  tokenBytes.forEach((bytes, id) => {
    if (bytes.length === 0) return; // special token
    const text = String.fromCharCode(...bytes);
    bias[id] = READABLE.test(text) ? 0 : OTHER_TOKEN_BIAS;
  });
  return bias;
}
