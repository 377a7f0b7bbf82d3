/**
 * `npx tsx scripts/bench/gpu-readback.ts`: how long WebGPU takes to copy a prefill's logits back to
 * the CPU here, whole (what ONNX Runtime would return) against the last row only (what the app
 * reads since workers/runtime/gpu-logits.ts), for the 256M model's vocabulary at detail low and
 * high. On this machine the adapter is SwiftShader (the CPU), so the figure is relative: a real GPU
 * reads back over PCIe or shared memory instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launch } from './browser.ts';

const VOCABULARY = 49_280;
const ROWS = { 'one row': 1, 'detail low (81 prompt tokens)': 81, 'detail high (1,142 prompt tokens)': 1_142 };

const server = createServer((_request, response) => response.end('<!doctype html><title>readback</title>')).listen(0, '127.0.0.1');
const browser = await launch(true);
try {
  const page = await browser.newPage();
  // WebGPU needs a secure context: localhost is one, about:blank is not.
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const results = await page.evaluate(
    async ({ rows, vocabulary }) => {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('No WebGPU adapter.');
      const device = await adapter.requestDevice({ requiredLimits: { maxBufferSize: adapter.limits.maxBufferSize } });
      const measured: { name: string; bytes: number; medianMs: number }[] = [];
      for (const [name, count] of Object.entries(rows)) {
        const size = count * vocabulary * 4;
        const source = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
          const encoder = device.createCommandEncoder();
          encoder.copyBufferToBuffer(source, 0, staging, 0, size);
          device.queue.submit([encoder.finish()]);
          await staging.mapAsync(GPUMapMode.READ);
          // Into a JavaScript array, as a CPU tensor's data would be.
          const data = new Float32Array(staging.getMappedRange().slice(0));
          staging.destroy();
          times.push(performance.now() - started);
          if (data.length !== count * vocabulary) throw new Error('Short read.');
        }
        source.destroy();
        times.sort((a, b) => a - b);
        measured.push({ name, bytes: size, medianMs: times[2]! });
      }
      return measured;
    },
    { rows: ROWS, vocabulary: VOCABULARY },
  );
  console.log('| Logits read back | Bytes | Median of 5 |\n| --- | --- | --- |');
  for (const { name, bytes, medianMs } of results) console.log(`| ${name} | ${(bytes / 1e6).toFixed(2)} MB | ${medianMs.toFixed(1)} ms |`);
} finally {
  await browser.close();
  server.close();
}
