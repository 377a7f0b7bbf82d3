/**
 * A STREAM "copy" kernel as a hand-assembled WebAssembly module (no toolchain needed): 
 * `copy(src, dst, bytes, reps)` moves `bytes` from `src` to `dst` in 64-byte steps of four
 * 128-bit SIMD loads and stores, `reps` times. The memory is imported, so several workers can
 * run the kernel on disjoint halves of one shared memory at once.
 */

import { name, section, sleb, uleb } from '../../device/wasm-assembly.ts';

const I32 = 0x7f;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32GeU: 0x4f,
  simd: 0xfd,
  v128Load: 0x00,
  v128Store: 0x0b,
  void: 0x40,
};
const [SRC, DST, BYTES, REPS, I, R] = [0, 1, 2, 3, 4, 5];

/** The module's bytes for a memory of `pages` 64 KiB pages (shared when `shared`). */
export function streamCopyModuleBytes(pages: number, shared: boolean): Uint8Array<ArrayBuffer> {
  const types = section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]);
  const imports = section(2, [1, ...name('env'), ...name('memory'), 0x02, shared ? 0x03 : 0x01, ...uleb(pages), ...uleb(pages)]);
  const functions = section(3, [1, 0]);
  const exports = section(7, [1, ...name('copy'), 0x00, 0]);

  const copyStep = (offset: number) => [
    op.localGet, DST, op.localGet, I, op.i32Add,
    op.localGet, SRC, op.localGet, I, op.i32Add,
    op.simd, op.v128Load, 4, ...uleb(offset),
    op.simd, op.v128Store, 4, ...uleb(offset),
  ];
  const body = [
    1, 2, I32, // two i32 locals: i, r
    op.block, op.void,
    op.loop, op.void,
    op.localGet, R, op.localGet, REPS, op.i32GeU, op.brIf, 1,
    op.i32Const, ...sleb(0), op.localSet, I,
    op.block, op.void,
    op.loop, op.void,
    op.localGet, I, op.localGet, BYTES, op.i32GeU, op.brIf, 1,
    ...copyStep(0), ...copyStep(16), ...copyStep(32), ...copyStep(48),
    op.localGet, I, op.i32Const, ...sleb(64), op.i32Add, op.localSet, I,
    op.br, 0,
    op.end,
    op.end,
    op.localGet, R, op.i32Const, ...sleb(1), op.i32Add, op.localSet, R,
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
  const code = section(10, [1, ...uleb(body.length), ...body]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...functions, ...exports, ...code]);
}

export const WASM_PAGE = 65536;
