import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Browser tests against the production build, in Debian's Chromium (never a downloaded browser).
 * Two projects: `wasm` (no GPU: the app's CPU path) runs everything; `webgpu` runs the tests
 * tagged @webgpu on SwiftShader, a software WebGPU adapter (fp32 only, slow, but real WebGPU).
 * A third, `chromium-150`, runs the tests tagged @chromium-150 on the older Chromium of Debian's
 * main archive when scripts/ensure-chromium.sh could unpack it (its offline emulation differs).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The build under test; several engineers on one machine each build into their own folder. */
const DIST = process.env.E2E_DIST ?? 'dist';
const CHROMIUM_150 = '.cache/chromium-150/usr/lib/chromium/chromium';
export const baseArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const webgpuArgs = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  // Two cores: one browser at a time keeps timings sane and avoids starving the model.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM, args: baseArgs },
  },
  webServer: {
    command: `npx tsx scripts/serve.ts ${DIST} --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
  projects: [
    { name: 'wasm', use: { launchOptions: { executablePath: CHROMIUM, args: baseArgs } } },
    {
      name: 'webgpu',
      grep: /@webgpu/,
      use: { launchOptions: { executablePath: CHROMIUM, args: [...baseArgs, ...webgpuArgs] } },
    },
    ...(existsSync(CHROMIUM_150) && !process.env.CHROMIUM_PATH
      ? [{ name: 'chromium-150', grep: /@chromium-150/, use: { launchOptions: { executablePath: CHROMIUM_150, args: baseArgs } } }]
      : []),
  ],
});
