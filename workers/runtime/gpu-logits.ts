/**
 * A prefill on WebGPU without reading its whole logits back. The decoder's logits are
 * [1, tokens, vocabulary]: for an 800-token prompt with a 49,280-token vocabulary that is 158 MB
 * ONNX Runtime would copy from the GPU, when sampling needs only the last row (197 KB). Here the
 * decoder writes its logits into a GPU buffer of ours (a pre-allocated output; ONNX Runtime has no
 * option to return part of an output), and only the last row is copied back. The KV cache already
 * stays on the GPU (transformers.js asks for `present.*` as `gpu-buffer`). A merged
 * encoder-decoder's decoder reads its logits the usual way, whole (`logitsLayout`).
 */
import type { OrtFeeds, OrtSession, OrtTensor } from './ort-types.ts';

/** GPUBufferUsage / GPUMapMode values, spelled out: the worker's globals may lack them in tests. */
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;
const MAP_MODE_READ = 0x01;

const BYTES_PER_VALUE = { float32: 4, float16: 2 } as const;
type LogitsType = keyof typeof BYTES_PER_VALUE;

/**
 * The logits' element type and vocabulary size, when the graph states them and ONNX Runtime fills
 * a pre-allocated logits output; null otherwise. A merged encoder-decoder's decoder (an `If` on
 * `use_cache_branch`) does not: its logits come out of the branch, and the buffer we pass stays
 * empty (Florence-2 on WebGPU answered token 0 every first step), so it reads its logits whole.
 */
export function logitsLayout(session: OrtSession): { type: LogitsType; vocabulary: number } | null {
  if (session.inputNames.includes('use_cache_branch')) return null;
  const index = session.outputNames.indexOf('logits');
  const meta = index >= 0 ? session.outputMetadata[index] : undefined;
  if (!meta?.isTensor || !(meta.type in BYTES_PER_VALUE)) return null;
  const vocabulary = meta.shape.at(-1);
  return typeof vocabulary === 'number' && vocabulary > 0 ? { type: meta.type as LogitsType, vocabulary } : null;
}

/**
 * Runs the decoder on `rows` new tokens with its logits kept on the GPU, and returns its outputs
 * with `logits` replaced by a CPU tensor of the last row only, [1, 1, vocabulary]. The other
 * outputs are as the session's preferred locations make them. `bytesRead` is what came back.
 */
export async function runWithLastLogitsRow(
  session: OrtSession,
  feeds: OrtFeeds,
  device: GPUDevice,
  rows: number,
  { type, vocabulary }: { type: LogitsType; vocabulary: number },
): Promise<{ outputs: Record<string, OrtTensor>; bytesRead: number }> {
  // ONNX Runtime checks fetches with `instanceof` against its own Tensor class: take it from a feed.
  const TensorClass = Object.values(feeds)[0]!.constructor as typeof OrtTensor;
  const rowBytes = vocabulary * BYTES_PER_VALUE[type];
  const logitsBuffer = device.createBuffer({ size: align4(rows * rowBytes), usage: STORAGE | COPY_SRC | COPY_DST });
  try {
    const logits = TensorClass.fromGpuBuffer(logitsBuffer, { dataType: type, dims: [1, rows, vocabulary] });
    const fetches = Object.fromEntries(session.outputNames.map((name) => [name, name === 'logits' ? logits : null]));
    const outputs = (await session.run(feeds, fetches)) as Record<string, OrtTensor>;
    const row = await readBack(device, logitsBuffer, (rows - 1) * rowBytes, rowBytes);
    const data = type === 'float32' ? new Float32Array(row) : new Uint16Array(row);
    return { outputs: { ...outputs, logits: new TensorClass(type, data, [1, 1, vocabulary]) }, bytesRead: rowBytes };
  } finally {
    logitsBuffer.destroy();
  }
}

/** Copies `size` bytes at `offset` of a GPU buffer to the CPU (copies work on 4-byte bounds). */
async function readBack(device: GPUDevice, source: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
  const start = offset - (offset % 4);
  const length = align4(offset + size) - start;
  const staging = device.createBuffer({ size: length, usage: MAP_READ | COPY_DST });
  try {
    const encoder = device.createCommandEncoder();
    // ONNX Runtime submits a run's GPU work before the run resolves (its WebGPU provider flushes at
    // the end of each run), and one queue runs in order: this copy reads the finished logits.
    encoder.copyBufferToBuffer(source, start, staging, 0, length);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    return staging.getMappedRange().slice(offset - start, offset - start + size);
  } finally {
    staging.destroy();
  }
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}
