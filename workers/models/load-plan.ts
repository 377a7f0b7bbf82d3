/**
 * One load plan: which device, which dtype per session, which files and how many bytes loading a
 * model takes, decided here once. The worker tries the plan's devices in order; the page shows
 * the first one's size (the picker) and what of it is not stored yet (the offline notice), for
 * the backend the person chose. Pure.
 */
import { WebGpuUnavailableError } from '../errors.ts';
import type { Device, DtypeMap, LoadOptions, ModelEntry, ModelFile, WebGpuCapabilities } from '../protocol.ts';
import { planDevices } from './dtype-policy.ts';
import { availableDtypes, filesForDtypes } from './registry.ts';

/** One device to try, with the formats it loads and the files that takes. */
export interface DeviceLoad {
  device: Device;
  dtype: DtypeMap;
  files: ModelFile[];
  bytes: number;
}

export interface LoadPlan {
  /** Devices to try, best first: WebGPU, then WASM when the backend was left to us. */
  attempts: DeviceLoad[];
  /** Why the first attempt is not WebGPU although `auto` was asked for. */
  fallbackReason?: string;
}

/** What the device offers: `capabilities().webgpu`. */
export type GpuSupport = Pick<WebGpuCapabilities, 'available' | 'shaderF16' | 'reason'>;

/**
 * The plan for loading `entry` as `request` asks (device `auto` unless named, dtype by policy
 * unless named) on a device with `gpu`. Throws WebGpuUnavailableError when WebGPU was named and
 * is missing, InvalidRequestError when no published format runs where it must.
 */
export function planLoad(entry: ModelEntry, request: Pick<LoadOptions, 'device' | 'dtype'>, gpu: GpuSupport): LoadPlan {
  const requested = request.device ?? 'auto';
  let fallbackReason: string | undefined;
  const candidates: Device[] = [];
  if (requested !== 'wasm') {
    if (gpu.available) candidates.push('webgpu');
    else if (requested === 'webgpu') throw new WebGpuUnavailableError(gpu.reason ?? 'WebGPU is not available.');
    else fallbackReason = gpu.reason;
  }
  if (requested !== 'webgpu') candidates.push('wasm');
  const { plans, skipped } = planDevices(availableDtypes(entry), candidates, gpu.available && gpu.shaderF16, requested, request.dtype);
  fallbackReason = skipped ?? fallbackReason;
  return {
    attempts: plans.map(({ device, dtype }) => ({ device, dtype, ...filesForDtypes(entry, dtype) })),
    ...(fallbackReason ? { fallbackReason } : {}),
  };
}
