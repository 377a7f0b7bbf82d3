/**
 * Picks the next token from the last position's logits: greedy, or temperature + nucleus (top-p)
 * sampling, with an optional repetition penalty. Pure, so it is unit tested without a model.
 */
import type { Sampling } from '../protocol.ts';

/** A seeded PRNG (mulberry32) so a sampled answer can be reproduced; unseeded uses Math.random. */
export function createRandom(seed?: number): () => number {
  if (seed === undefined) return Math.random;
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * HF's RepetitionPenaltyLogitsProcessor on the tokens already generated (not the prompt, so the
 * words of the question itself stay available): positive logits are divided, negative multiplied.
 */
export function applyRepetitionPenalty(logits: Float32Array, previousTokens: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const token of new Set(previousTokens)) {
    const value = logits[token];
    if (value === undefined) continue;
    logits[token] = value > 0 ? value / penalty : value * penalty;
  }
}

/**
 * No NaN or infinity among `values`. A plain loop: `values.every(Number.isFinite)` calls a function
 * per element, ~1 ms per step over SmolVLM's 49,280 logits in V8 against ~0.13 ms for this.
 */
export function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    // NaN - NaN and Infinity - Infinity are NaN; every finite value minus itself is 0.
    if (value - value !== 0) return false;
  }
  return true;
}

export function argmax(values: Float32Array): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > bestValue) {
      bestValue = values[i]!;
      best = i;
    }
  }
  return best;
}

/** Samples from softmax(logits / temperature) restricted to the smallest set with mass >= topP. */
export function sampleTopP(logits: Float32Array, temperature: number, topP: number, random: () => number): number {
  if (!(temperature > 0)) return argmax(logits);
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  const probabilities = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp((logits[i]! - max) / temperature);
    probabilities[i] = p;
    sum += p;
  }
  // Only candidates that can matter are sorted: tokens below 1e-9 of the mass never enter a nucleus.
  const candidates: number[] = [];
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i]! / sum > 1e-9) candidates.push(i);
  candidates.sort((a, b) => probabilities[b]! - probabilities[a]!);
  const nucleus: number[] = [];
  let mass = 0;
  for (const index of candidates) {
    nucleus.push(index);
    mass += probabilities[index]! / sum;
    if (mass >= topP) break;
  }
  let threshold = random() * mass;
  for (const index of nucleus) {
    threshold -= probabilities[index]! / sum;
    if (threshold <= 0) return index;
  }
  return nucleus[nucleus.length - 1]!;
}

/**
 * Greedy decoding's whole look at the logits: the index of the largest (first on ties), or -1 when
 * one is NaN or infinite. One pass: at SmolVLM's 49,280 logits each pass costs 0.1-0.5 ms per token
 * (more on a slow CPU), and a separate check, copy and argmax took three.
 */
export function finiteArgmax(values: Float32Array): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value - value !== 0) return -1;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}

/**
 * The next token under the caller's options, or -1 when the logits hold a NaN or an infinity (a
 * broken model or an overflow: no token can be trusted). Mutates `logits` (penalty).
 */
export function pickNextToken(
  logits: Float32Array,
  sampling: Sampling,
  repetitionPenalty: number,
  generated: readonly number[],
  random: () => number,
): number {
  applyRepetitionPenalty(logits, generated, repetitionPenalty);
  if (sampling.kind === 'greedy') return finiteArgmax(logits);
  return allFinite(logits) ? sampleTopP(logits, sampling.temperature, sampling.topP, random) : -1;
}
