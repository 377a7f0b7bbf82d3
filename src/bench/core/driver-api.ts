/** `window.vlmBench`: what bench.html offers the Node driver (scripts/bench/browser.ts). */
import type { BrowserPath, LoadTimingOptions, ProbeOptions, ProbeResult, SuiteOptions, SuiteResult } from './types.ts';

export interface VlmBenchApi {
  runSuite(options: SuiteOptions): Promise<SuiteResult>;
  measureLoads(options: LoadTimingOptions): Promise<Record<BrowserPath, number[]>>;
  probePath(options: ProbeOptions): Promise<ProbeResult>;
}

declare global {
  interface Window {
    vlmBench: VlmBenchApi;
  }
}
