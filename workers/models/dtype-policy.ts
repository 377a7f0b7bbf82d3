/**
 * Which weight format each session loads, from what the device can do and what the model
 * publishes. fp16 variants need WebGPU's `shader-f16`; without it WebGPU runs fp32 or q4
 * (MatMulNBits dequantises to fp32); the WASM CPU backend is fastest on q8 (MatMulInteger).
 */
import { InvalidRequestError } from '../errors.ts';
import type { Device, Dtype, DtypeMap, LoadOptions, SessionName, SessionRole } from '../protocol.ts';
import { sessionRole } from './registry.ts';

type Preferences = Record<SessionRole, readonly Dtype[]>;

/**
 * Best first, per session role (a family declares its sessions' roles in the registry). The
 * decoder dominates decode time (memory bound), so it gets the smallest format the device runs
 * well; the vision encoder, and an encoder-decoder's text encoder, run once per image and keep
 * more precision.
 */
export const DTYPE_PREFERENCES: { webgpuF16: Preferences; webgpu: Preferences; wasm: Preferences } = {
  webgpuF16: {
    vision: ['fp16', 'q4f16', 'fp32', 'q4'],
    embed: ['fp16', 'q4f16', 'fp32'],
    encoder: ['fp16', 'q4f16', 'fp32', 'q4'],
    decoder: ['q4f16', 'fp16', 'q4', 'fp32'],
  },
  webgpu: {
    vision: ['fp32', 'q4'],
    embed: ['fp32', 'q4'],
    encoder: ['fp32', 'q4'],
    decoder: ['q4', 'fp32'],
  },
  wasm: {
    // Issue 12 (docs/performance.md): the SmolVLM-256M vision encoder alone in Chromium's WASM
    // backend, one 512 px frame: q8 4.07 s (1 thread) / 2.17 s (2 threads), fp32 7.56 / 3.84 s,
    // q4 8.75 / 7.27 s (MatMulNBits dequantises to fp32); the built-in model's answers were the
    // same with a q8 and an fp32 vision encoder (114 of 114 held-out questions).
    vision: ['q8', 'fp32', 'q4'],
    embed: ['q8', 'fp32', 'q4'],
    encoder: ['q8', 'fp32', 'q4'],
    // q4 (MatMulNBits) measured ~15x slower to decode than q8 or fp32 in ORT-web's WASM build
    // (docs/performance.md), so fp32's larger download is the better fallback.
    decoder: ['q8', 'fp32', 'q4'],
  },
};

const NEEDS_SHADER_F16: ReadonlySet<Dtype> = new Set(['fp16', 'q4f16']);

/** Dtypes a device can run at all. */
export function dtypesSupported(device: Device, shaderF16: boolean): ReadonlySet<Dtype> {
  if (device === 'wasm') return new Set<Dtype>(['fp32', 'q8', 'q4', 'fp16']);
  return new Set<Dtype>(shaderF16 ? ['fp32', 'q4', 'fp16', 'q4f16'] : ['fp32', 'q4']);
}

/**
 * Chooses a dtype per session. Explicit requests win but are checked: an unpublished or
 * unsupported dtype is an error naming what would work.
 */
export function chooseDtypes(
  /** Per session of the model (any number), the dtypes it publishes. */
  available: Record<SessionName, readonly Dtype[]>,
  device: Device,
  shaderF16: boolean,
  requested: LoadOptions['dtype'] = undefined,
): DtypeMap {
  const preferences = device === 'wasm' ? DTYPE_PREFERENCES.wasm : shaderF16 ? DTYPE_PREFERENCES.webgpuF16 : DTYPE_PREFERENCES.webgpu;
  const supported = dtypesSupported(device, shaderF16);
  const result: DtypeMap = {};
  for (const [session, published] of Object.entries(available)) {
    const wanted = typeof requested === 'string' ? requested : requested?.[session];
    if (wanted) {
      if (!published.includes(wanted)) {
        throw new InvalidRequestError(`${session} is not published as ${wanted}; available: ${published.join(', ') || 'none'}.`);
      }
      if (!supported.has(wanted)) {
        throw new InvalidRequestError(
          NEEDS_SHADER_F16.has(wanted) && device === 'webgpu'
            ? `${wanted} needs the WebGPU shader-f16 feature, which this GPU does not have. Use fp32 or q4.`
            : `${wanted} does not run on ${device}.`,
        );
      }
      result[session] = wanted;
      continue;
    }
    const choice = preferences[sessionRole(session)].find((dtype) => published.includes(dtype) && supported.has(dtype));
    if (!choice) {
      throw new InvalidRequestError(
        `No published format of ${session} runs on ${device}${device === 'webgpu' && !shaderF16 ? ' without shader-f16' : ''} (published: ${published.join(', ') || 'none'}).`,
      );
    }
    result[session] = choice;
  }
  return result;
}

/** A device to try, with the formats it would load. */
export interface DevicePlan {
  device: Device;
  dtype: DtypeMap;
}

/**
 * The devices to try in order, each with its formats. When the backend was left to us ('auto')
 * and no format was asked for, a device that runs none of what the model publishes (WebGPU
 * without shader-f16 for a model published only as q8, say) is skipped with the reason, so the
 * model still runs on the CPU; an explicit device or format that cannot run stays an error.
 */
export function planDevices(
  available: Record<SessionName, readonly Dtype[]>,
  candidates: readonly Device[],
  shaderF16: boolean,
  requestedDevice: Device | 'auto',
  requestedDtype: LoadOptions['dtype'] = undefined,
): { plans: DevicePlan[]; skipped?: string } {
  const plans: DevicePlan[] = [];
  let skipped: string | undefined;
  for (const [index, device] of candidates.entries()) {
    try {
      plans.push({ device, dtype: chooseDtypes(available, device, shaderF16, requestedDtype) });
    } catch (error) {
      const fallbackLeft = index < candidates.length - 1;
      if (requestedDevice !== 'auto' || requestedDtype !== undefined || !fallbackLeft || !(error instanceof InvalidRequestError)) throw error;
      skipped = `${(error as Error).message} Running on the CPU instead.`;
    }
  }
  return { plans, ...(skipped ? { skipped } : {}) };
}
