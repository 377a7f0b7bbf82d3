import { describe, expect, it } from 'vitest';
import { ACCUMULATORS, MULTIPLY_ADDS_PER_ITERATION, relaxedModuleBytes, simdModuleBytes, type ComputeKernel } from './compute-wasm.ts';

type Kernel = (iterations: number) => number;
const kernels = (bytes: Uint8Array<ArrayBuffer>) => new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, Kernel>;

/** GFLOP/s (2 per multiply-add) of one call; no threshold is judged, only that the work was done. */
function rate(kernel: Kernel, name: ComputeKernel, iterations: number): number {
  kernel(iterations);
  const started = performance.now();
  kernel(iterations);
  const seconds = Math.max(performance.now() - started, 0.001) / 1000;
  return (2 * MULTIPLY_ADDS_PER_ITERATION[name] * iterations) / seconds / 1e9;
}

describe('the multiply-add probe module', () => {
  it('is valid WebAssembly with SIMD', () => {
    expect(WebAssembly.validate(simdModuleBytes())).toBe(true);
  });

  it('computes what it claims: acc += x·w per accumulator and iteration', () => {
    const { f32_muladd, i16_dot } = kernels(simdModuleBytes());
    // Half the accumulators add 1e-7·0.999, half 2e-7·0.999, per iteration.
    expect(f32_muladd!(1000)).toBeCloseTo((ACCUMULATORS / 2) * 1000 * 3e-7 * 0.999, 6);
    // dot_i16x8_s of splat(3 or 5) and splat(7): 2·3·7 = 42 or 2·5·7 = 70 per lane and iteration.
    expect(i16_dot!(1000)).toBe((ACCUMULATORS / 2) * 1000 * (42 + 70));
    expect(f32_muladd!(0)).toBe(0);
  });

  it('runs in Node at a positive rate (the work is not optimised away)', () => {
    const { f32_muladd, i16_dot } = kernels(simdModuleBytes());
    for (const [name, kernel] of [['f32_muladd', f32_muladd!], ['i16_dot', i16_dot!]] as const) {
      const gflops = rate(kernel, name, 200_000);
      expect(gflops).toBeGreaterThan(0);
      // A rate of 10 TFLOP/s on one thread would mean the loop did not run.
      expect(gflops).toBeLessThan(10_000);
    }
  });

  it('has a relaxed-SIMD FMA kernel that validates where the proposal is on, and agrees with mul+add', () => {
    const bytes = relaxedModuleBytes();
    // Node 20 (V8 11.3) has relaxed SIMD behind a flag; Chromium ships it. Either answer is a boolean.
    const valid = WebAssembly.validate(bytes);
    expect(typeof valid).toBe('boolean');
    if (!valid) return;
    const { f32_fma } = kernels(bytes);
    expect(f32_fma!(1000)).toBeCloseTo((ACCUMULATORS / 2) * 1000 * 3e-7 * 0.999, 6);
    expect(rate(f32_fma!, 'f32_fma', 200_000)).toBeGreaterThan(0);
  });
});
