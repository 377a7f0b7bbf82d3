/**
 * Multiply-add kernels as hand-assembled WebAssembly modules (no toolchain needed), the compute
 * counterpart of the bandwidth probe's STREAM copy: each exported function runs `iterations` loops
 * over ACCUMULATORS independent SIMD accumulators held in locals (no memory at all), so the rate
 * is the core's SIMD multiply-add throughput, not its latency or the memory's.
 *
 * - `f32_muladd`: acc += x * w as f32x4.mul then f32x4.add (plain SIMD, what ORT's fp32 MatMul
 *   kernels emit on WASM).
 * - `f32_fma`: acc = relaxed_madd(x, w, acc), in a separate module because a module using relaxed
 *   SIMD does not validate where the proposal is off.
 * - `i16_dot`: acc += i32x4.dot_i16x8_s(x, w), the instruction MLAS's WASM int8 GEMM (q8's
 *   MatMulInteger) runs on int8 widened to int16: 8 multiplies and 8 adds per instruction pair.
 */
import { name, section, uleb } from '../wasm-assembly.ts';

/** Independent accumulators: enough to cover 2 pipes x 4 cycles of add/FMA latency, few enough for 16 XMM registers. */
export const ACCUMULATORS = 10;
/** Multiply-adds one iteration of a kernel does (ACCUMULATORS x 4 lanes, or x 8 pairs for the dot). */
export const MULTIPLY_ADDS_PER_ITERATION = { f32_muladd: ACCUMULATORS * 4, f32_fma: ACCUMULATORS * 4, i16_dot: ACCUMULATORS * 8 } as const;
export type ComputeKernel = keyof typeof MULTIPLY_ADDS_PER_ITERATION;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const op = { block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, localGet: 0x20, localSet: 0x21, i32Const: 0x41, i32Sub: 0x6b, i32Eqz: 0x45, f32Const: 0x43, void: 0x40 };
/** SIMD opcodes (after the 0xfd prefix, as LEB128). */
const simd = {
  i16x8Splat: 0x10,
  f32x4Splat: 0x13,
  i32x4ExtractLane: 0x1b,
  f32x4ExtractLane: 0x1f,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f32x4RelaxedMadd: 0x105,
};
const v = (opcode: number) => [0xfd, ...uleb(opcode)];

/** Locals after the parameter `n` (index 0): accumulators, then two multiplicands x0/x1, then w. */
const ACC = 1;
const X = ACC + ACCUMULATORS;
const W = X + 2;

function f32(value: number): number[] {
  return [...new Uint8Array(new Float32Array([value]).buffer)];
}

/** A loop of `n` iterations around `step(accumulator)`; then the accumulators' lane-0 sum is returned. */
function kernelBody(kind: ComputeKernel): number[] {
  const float = kind !== 'i16_dot';
  const init = float
    ? [
        ...Array.from({ length: ACCUMULATORS }, (_, i) => [op.f32Const, ...f32(0), ...v(simd.f32x4Splat), op.localSet, ACC + i]).flat(),
        // Small, so that a billion additions stay finite and far from denormals.
        op.f32Const, ...f32(1e-7), ...v(simd.f32x4Splat), op.localSet, X,
        op.f32Const, ...f32(2e-7), ...v(simd.f32x4Splat), op.localSet, X + 1,
        op.f32Const, ...f32(0.999), ...v(simd.f32x4Splat), op.localSet, W,
      ]
    : [
        // Accumulators start at zero (locals do); int32 wraps, which is defined.
        op.i32Const, 3, ...v(simd.i16x8Splat), op.localSet, X,
        op.i32Const, 5, ...v(simd.i16x8Splat), op.localSet, X + 1,
        op.i32Const, 7, ...v(simd.i16x8Splat), op.localSet, W,
      ];
  const step = (i: number): number[] => {
    const x = X + (i % 2);
    if (kind === 'f32_muladd') return [op.localGet, ACC + i, op.localGet, x, op.localGet, W, ...v(simd.f32x4Mul), ...v(simd.f32x4Add), op.localSet, ACC + i];
    if (kind === 'f32_fma') return [op.localGet, x, op.localGet, W, op.localGet, ACC + i, ...v(simd.f32x4RelaxedMadd), op.localSet, ACC + i];
    return [op.localGet, ACC + i, op.localGet, x, op.localGet, W, ...v(simd.i32x4DotI16x8S), ...v(simd.i32x4Add), op.localSet, ACC + i];
  };
  const loop = [
    op.block, op.void,
    op.loop, op.void,
    op.localGet, 0, op.i32Eqz, op.brIf, 1,
    ...Array.from({ length: ACCUMULATORS }, (_, i) => step(i)).flat(),
    op.localGet, 0, op.i32Const, 1, op.i32Sub, op.localSet, 0,
    op.br, 0,
    op.end,
    op.end,
  ];
  // The result depends on every accumulator, so no engine can drop the work.
  const extract = float ? [...v(simd.f32x4ExtractLane), 0] : [...v(simd.i32x4ExtractLane), 0];
  const add = float ? [0x92] /* f32.add */ : [0x6a] /* i32.add */;
  const sum = [op.localGet, ACC, ...extract, ...Array.from({ length: ACCUMULATORS - 1 }, (_, i) => [op.localGet, ACC + 1 + i, ...extract, ...add]).flat()];
  const locals = [1, ...uleb(ACCUMULATORS + 3), V128];
  return [...locals, ...init, ...loop, ...sum, op.end];
}

/** A module exporting the given kernels, each `(iterations: i32) -> f32 | i32`. */
function moduleBytes(kinds: ComputeKernel[]): Uint8Array<ArrayBuffer> {
  const types = section(1, [2, 0x60, 1, I32, 1, F32, 0x60, 1, I32, 1, I32]);
  const typeOf = (kind: ComputeKernel) => (kind === 'i16_dot' ? 1 : 0);
  const functions = section(3, [kinds.length, ...kinds.map(typeOf)]);
  const exports = section(7, [kinds.length, ...kinds.flatMap((kind, index) => [...name(kind), 0x00, index])]);
  const bodies = kinds.map(kernelBody);
  const code = section(10, [kinds.length, ...bodies.flatMap((body) => [...uleb(body.length), ...body])]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...functions, ...exports, ...code]);
}

/** Plain SIMD kernels (`f32_muladd`, `i16_dot`): every engine with WASM SIMD runs them. */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes(['f32_muladd', 'i16_dot']);
}

/** The relaxed-SIMD FMA kernel (`f32_fma`); validate it before use. */
export function relaxedModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes(['f32_fma']);
}
