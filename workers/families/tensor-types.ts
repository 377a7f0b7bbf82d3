/**
 * Sessions published in several formats want their inputs in the format they were exported with
 * (an fp16 vision encoder takes float16 pixels): these read what a session wants and convert.
 */
import type { Tensor } from '@huggingface/transformers';
import type { OrtSession } from '../runtime/ort-types.ts';

/** The element type `session` declares for its input `name`, when it declares one. */
export function sessionInputType(session: OrtSession, name: string): string | undefined {
  const meta = session.inputMetadata.find((input) => input.name === name);
  return meta && meta.isTensor ? meta.type : undefined;
}

/** `tensor` as `type` (itself when it already is, or when no type is asked for). */
export function toType(tensor: Tensor, type: string | undefined): Tensor {
  return type && tensor.type !== type ? tensor.to(type as Tensor['type']) : tensor;
}
