/** ONNX Runtime types as the worker uses them (the sessions transformers.js creates). */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

export type { OrtTensor };
export type OrtSession = InferenceSession;
export type OrtFeeds = Record<string, OrtTensor>;

/** Releases GPU buffers of tensors that live on the GPU; CPU tensors are left to the GC. */
export function disposeTensors(tensors: Iterable<OrtTensor | undefined>): void {
  for (const tensor of tensors) {
    if (tensor && tensor.location !== 'cpu') tensor.dispose();
  }
}
