import { describe, expect, it } from 'vitest';
import { allFinite, applyRepetitionPenalty, argmax, createRandom, finiteArgmax, pickNextToken, sampleTopP } from './sampling.ts';

describe('sampling', () => {
  it('allFinite finds NaN and infinities', () => {
    expect(allFinite(new Float32Array([0, -1e30, 3.5]))).toBe(true);
    expect(allFinite(new Float32Array([0, Number.NaN]))).toBe(false);
    expect(allFinite(new Float32Array([Number.POSITIVE_INFINITY, 1]))).toBe(false);
    expect(allFinite(new Float32Array([1, Number.NEGATIVE_INFINITY]))).toBe(false);
  });

  it('greedy takes the largest logit (first on ties)', () => {
    expect(argmax(new Float32Array([0.1, 3, -2, 3]))).toBe(1);
    expect(finiteArgmax(new Float32Array([0.1, 3, -2, 3]))).toBe(1);
    expect(finiteArgmax(new Float32Array([-5, -1e30, -2]))).toBe(2);
  });

  it('no token comes from logits with a NaN or an infinity, greedy or sampled', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      // Before and after the largest logit: the check does not stop at the answer.
      for (const logits of [[bad, 1, 2], [1, 2, bad]]) {
        expect(finiteArgmax(new Float32Array(logits))).toBe(-1);
        expect(pickNextToken(new Float32Array(logits), { kind: 'greedy' }, 1, [], Math.random)).toBe(-1);
        expect(pickNextToken(new Float32Array(logits), { kind: 'sample', temperature: 0.7, topP: 0.9 }, 1.2, [0], createRandom(1))).toBe(-1);
      }
    }
  });

  it('repetition penalty divides positive and multiplies negative logits of generated tokens', () => {
    const logits = new Float32Array([2, -2, 5]);
    applyRepetitionPenalty(logits, [0, 1, 1], 2);
    expect(Array.from(logits)).toEqual([1, -4, 5]);
  });

  it('a penalty can change the greedy choice', () => {
    const logits = new Float32Array([4, 3]);
    expect(pickNextToken(logits, { kind: 'greedy' }, 1.5, [0], Math.random)).toBe(1);
  });

  it('top-p keeps only the nucleus', () => {
    // p = [0.64, 0.24, 0.09, 0.03]: with topP 0.5 only token 0 is ever drawn.
    const logits = new Float32Array([Math.log(0.64), Math.log(0.24), Math.log(0.09), Math.log(0.03)]);
    const random = createRandom(1);
    for (let i = 0; i < 200; i++) expect(sampleTopP(logits, 1, 0.5, random)).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleTopP(logits, 1, 0.95, random));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('the same seed gives the same samples, temperature 0 is greedy', () => {
    const logits = new Float32Array([1, 1.1, 0.9, 1.05]);
    const a = createRandom(42);
    const b = createRandom(42);
    const drawsA = Array.from({ length: 20 }, () => sampleTopP(logits, 1, 1, a));
    const drawsB = Array.from({ length: 20 }, () => sampleTopP(logits, 1, 1, b));
    expect(drawsA).toEqual(drawsB);
    expect(new Set(drawsA).size).toBeGreaterThan(1);
    expect(sampleTopP(logits, 0, 0.9, a)).toBe(1);
  });
});
