/** What this device can run: WebGPU adapter and features, threads. */
import type { Capabilities, WebGpuCapabilities } from '../protocol.ts';
import { defaultWasmThreads } from './ort-env.ts';

let webgpuProbe: Promise<WebGpuCapabilities> | undefined;

async function probeWebGpu(): Promise<WebGpuCapabilities> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return { available: false, reason: 'This browser has no WebGPU (navigator.gpu is missing).', isSoftware: false, shaderF16: false };
  }
  try {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return { available: false, reason: 'WebGPU is present but no GPU adapter is available (blocklisted driver or disabled).', isSoftware: false, shaderF16: false };
    }
    const info = adapter.info;
    const adapterInfo = {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
    };
    const isSoftware =
      /swiftshader|llvmpipe|software/i.test(`${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.description}`) ||
      Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
    return {
      available: true,
      adapter: adapterInfo,
      isSoftware,
      shaderF16: adapter.features.has('shader-f16'),
      maxBufferSize: adapter.limits.maxBufferSize,
    };
  } catch (error) {
    return { available: false, reason: `Requesting a WebGPU adapter failed: ${(error as Error).message}`, isSoftware: false, shaderF16: false };
  }
}

/** Probed once per worker: requesting adapters repeatedly is slow on some drivers. */
export function webGpuCapabilities(): Promise<WebGpuCapabilities> {
  webgpuProbe ??= probeWebGpu();
  return webgpuProbe;
}

export async function capabilities(): Promise<Capabilities> {
  return {
    webgpu: await webGpuCapabilities(),
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads: defaultWasmThreads(),
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
}
