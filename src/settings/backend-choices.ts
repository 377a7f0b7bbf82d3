/** The backends offered in the settings, each with what this device says about it. */
import type { Capabilities, DeviceRequest } from '../../workers/protocol.ts';

export interface BackendChoice {
  value: DeviceRequest;
  title: string;
  blurb: string;
  disabled?: boolean;
}

/** Automatic, WebGPU (disabled where the device has none) and the CPU; `null` until the worker has reported. */
export function backendChoices(capabilities: Capabilities | null): BackendChoice[] {
  const webgpu = capabilities?.webgpu;
  return [
    { value: 'auto', title: 'Automatic', blurb: webgpu?.available ? 'WebGPU on this device, the CPU if it fails.' : 'The CPU on this device (no WebGPU).' },
    {
      value: 'webgpu',
      title: 'WebGPU',
      blurb: webgpu ? (webgpu.available ? `${webgpu.shaderF16 ? 'fp16' : 'fp32'}${webgpu.isSoftware ? ', software adapter (slow)' : ''}` : (webgpu.reason ?? 'Not available.')) : 'Checking…',
      disabled: webgpu ? !webgpu.available : false,
    },
    { value: 'wasm', title: 'CPU (WASM)', blurb: capabilities ? `${capabilities.wasmThreads} ${capabilities.wasmThreads === 1 ? 'thread' : 'threads'}` : 'Works everywhere.' },
  ];
}
