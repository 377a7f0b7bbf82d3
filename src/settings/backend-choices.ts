/** The backends offered in the settings, each with what this device says about it. */
import type { WasmThreadChoice } from '../device/wasm-threads.ts';
import type { Capabilities, DeviceRequest } from '../../workers/protocol.ts';

export interface BackendChoice {
  value: DeviceRequest;
  title: string;
  blurb: string;
  disabled?: boolean;
}

/**
 * Automatic, WebGPU (disabled where the device has none) and the CPU with the threads this device
 * was given and why; `null` until the worker (or the thread choice) has reported.
 */
export function backendChoices(capabilities: Capabilities | null, threads: WasmThreadChoice | null = null): BackendChoice[] {
  const count = threads?.threads ?? capabilities?.wasmThreads;
  const webgpu = capabilities?.webgpu;
  return [
    { value: 'auto', title: 'Automatic', blurb: webgpu?.available ? 'WebGPU on this device, the CPU if it fails.' : 'The CPU on this device (no WebGPU).' },
    {
      value: 'webgpu',
      title: 'WebGPU',
      blurb: webgpu ? (webgpu.available ? `${webgpu.shaderF16 ? 'fp16' : 'fp32'}${webgpu.isSoftware ? ', software adapter (slow)' : ''}` : (webgpu.reason ?? 'Not available.')) : 'Checking…',
      disabled: webgpu ? !webgpu.available : false,
    },
    {
      value: 'wasm',
      title: 'CPU (WASM)',
      blurb: count === undefined ? 'Works everywhere.' : `${count} ${count === 1 ? 'thread' : 'threads'}${threads ? `: ${threads.reason}` : ''}`,
    },
  ];
}
