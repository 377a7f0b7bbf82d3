/** `window.vlmBench`: what bench.html offers the Node driver (scripts/bench/browser.ts). */
import type { BrowserPath, LoadTimingOptions, ProbeOptions, ProbeResult, SuiteOptions, SuiteResult, VisionSessionOptions, VisionSessionResult } from './types.ts';

export interface VlmBenchApi {
  runSuite(options: SuiteOptions): Promise<SuiteResult>;
  measureLoads(options: LoadTimingOptions): Promise<Record<BrowserPath, number[]>>;
  probePath(options: ProbeOptions): Promise<ProbeResult>;
  /** The vision encoder alone under each session setting (scripts/bench/vision-sessions.ts). */
  visionSessions(options: VisionSessionOptions): Promise<VisionSessionResult[]>;
}

declare global {
  interface Window {
    vlmBench: VlmBenchApi;
  }
}
