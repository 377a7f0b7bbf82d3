import { describe, expect, it } from 'vitest';
import { buildBackendResult, computeBound, emptyRuns, summarizePath, toMarkdown } from './report.ts';
import { benchSettings } from './settings.ts';
import type { BackendResult, BenchReport, PathRuns, SuiteResult } from './types.ts';

function runs(msPerToken: number, ttft: number): PathRuns {
  const r = emptyRuns();
  r.loads.coldMs.push(1000);
  r.loads.warmMs.push(500);
  const plan = { longestEdge: 512, split: false, frames: 1, imageTokens: 64 };
  r.prefill.push({ detail: 'low', plan, promptTokens: 80, preprocessMs: 10, visionEncodeMs: 100, prefillMs: 20, timeToFirstTokenMs: ttft });
  r.decode.push({ tokenTimesMs: Array.from({ length: 11 }, (_, i) => ttft + i * msPerToken), tokenIds: Array.from({ length: 11 }, (_, i) => i) });
  return r;
}

const suite = (app: PathRuns, bare: PathRuns): SuiteResult => ({
  backend: { id: 'wasm-2', device: 'wasm', threads: 2, dtype: { decoder_model_merged: 'q8', vision_encoder: 'q8' } },
  model: { id: 'm', name: 'M', decoderWeightBytes: 100e6, kvBytesPerPosition: 1000 },
  runs: { app, bare },
  bandwidth: { threads: 2, bytesPerThread: 1, bestGBps: 10, medianGBps: 9 },
  compute: { threads: 2, relaxedSimd: true, f32MulAdd: { best: 80, median: 75 }, f32Fma: { best: 100, median: 95 }, int16Dot: { best: 200, median: 190 } },
  visionConfig: { imageSize: 512, patchSize: 16, channels: 3, hiddenSize: 768, intermediateSize: 3072, layers: 12, scaleFactor: 4, textHiddenSize: 576 },
  responsiveness: { streamingMs: 1000, longestTaskMs: 12, tasksOver50Ms: 0, piecesReceived: 10, domUpdates: 8 },
  skipped: [],
  crossOriginIsolated: true,
  userAgent: 'test',
  cores: 2,
});

function reportOf(backend: BackendResult): BenchReport {
  return {
    schema: 'vlm-bench/1',
    createdAt: '2026-01-01T00:00:00Z',
    model: { id: 'm', name: 'M' },
    settings: benchSettings(true),
    conditions: { cpu: 'cpu', cores: 2, memoryBytes: 8e9, loadAverage: null, browser: 'Chromium', userAgent: 'ua', crossOriginIsolated: true, note: '' },
    backends: [backend],
    durationMs: 1,
  };
}

describe('bench report', () => {
  it('summarises a path: decode speed, per-token median and p90', () => {
    const summary = summarizePath(runs(50, 300));
    expect(summary.decode?.tokens).toBe(11);
    expect(summary.decode?.tokensPerSecond.median).toBeCloseTo(20);
    expect(summary.decode?.msPerTokenMedian).toBeCloseTo(50);
    expect(summary.details.low?.timeToFirstTokenMs.median).toBe(300);
  });

  it('bounds decoding by the bytes read per token over the measured bandwidth', () => {
    const bound = computeBound({ threads: 1, bytesPerThread: 1, bestGBps: 10, medianGBps: 9 }, 100e6, 1000, 100);
    expect(bound.bytesPerToken).toBe(100e6 + 100_000);
    expect(bound.msPerToken).toBeCloseTo(10.01);
  });

  it('divides times for the ratios: a/b > 1 when the app is slower', () => {
    const backend = buildBackendResult(suite(runs(55, 330), runs(50, 300)), { native: runs(25, 100) });
    expect(backend.ratios.decodeAppOverBare).toBeCloseTo(1.1);
    expect(backend.ratios.decodeBareOverNative).toBeCloseTo(2);
    expect(backend.ratios.ttftAppOverBare).toBeCloseTo(1.1);
    // Bound: (100e6 + 1000 * (80 + 11 / 2)) bytes at 10 GB/s.
    expect(backend.ratios.decodeNativeOverBound).toBeCloseTo(25 / 10.00855, 3);
    expect(backend.tokenAgreement).toEqual([
      { pair: 'app/bare', matching: 11, of: 11 },
      { pair: 'bare/native', matching: 11, of: 11 },
    ]);
  });

  it('pairs each run of the app with the run of transformers.js beside it', () => {
    // The machine gets slower run by run; the app is 4% slower in every pair, yet the medians of
    // the two paths (2 of 5 runs measured while the machine was slow) say otherwise.
    const app = emptyRuns();
    const bare = emptyRuns();
    const slow = [1, 1, 1.5, 1.5, 1.5];
    const appSlow = [1, 1, 1, 1.5, 1.5];
    for (let run = 0; run < 5; run++) {
      const one = runs(52 * appSlow[run]!, 312 * appSlow[run]!);
      const other = runs(50 * slow[run]!, 300 * slow[run]!);
      app.decode.push(one.decode[0]!);
      app.prefill.push(one.prefill[0]!);
      app.loads.coldMs.push(1040 * appSlow[run]!);
      bare.decode.push(other.decode[0]!);
      bare.prefill.push(other.prefill[0]!);
      bare.loads.coldMs.push(1000 * slow[run]!);
    }
    const backend = buildBackendResult(suite(app, bare));
    expect(backend.ratios.decodeAppOverBare).toBeCloseTo(52 / 75);
    const paired = backend.ratios.pairedAppOverBare!;
    expect(paired.decode!.median).toBeCloseTo(1.04);
    expect(paired.ttftLow!.median).toBeCloseTo(1.04);
    expect(paired.loadCold!.median).toBeCloseTo(1.04);
    expect(paired.decode!.n).toBe(5);
    // Five pairs: the interval runs from the smallest to the largest ratio, 94% coverage.
    expect(paired.decode!.low).toBeCloseTo(1.04 / 1.5);
    expect(paired.decode!.high).toBeCloseTo(1.04);
    expect(toMarkdown(reportOf(backend))).toContain('| WASM 2 threads | 1.04× [0.69–1.04] (93%, 5 pairs) | 1.04× [0.69–1.04] (93%, 5 pairs) | 1.04× [0.69–1.04] (93%, 5 pairs) |');
  });

  it('puts the vision encoder against the compute probe: int8 rate for q8 weights, f32 for attention', () => {
    const backend = buildBackendResult(suite(runs(55, 330), runs(50, 300)), { native: runs(25, 100) });
    const limit = backend.visionLimit!;
    // 176.06 GFLOP of weight products at 200, 38.65 of attention at 80: 880.3 + 483.2 ms.
    expect(limit.boundMs).toBeCloseTo(880.3 + 483.18, 0);
    // Every path encoded its one frame in 100 ms (runs()).
    expect(limit.paths.app?.msPerFrame).toBe(100);
    expect(limit.paths.native?.gflops).toBeCloseTo(2147.1, 0);
    expect(limit.paths.bare?.fractionOfBound).toBeCloseTo(13.635, 2);
  });

  it('writes every section of the Markdown table', () => {
    const markdown = toMarkdown(reportOf(buildBackendResult(suite(runs(55, 330), runs(50, 300)), { native: runs(25, 100) })));
    for (const heading of ['## Summary', '## Image detail', '## Ratios', '## (d) Memory-bandwidth bound', '## (e) Vision encoder against the WASM compute limit', '## (a) Main thread']) expect(markdown).toContain(heading);
    expect(markdown).toContain('| WASM 2 threads | (a) app | 1000 ms | 500 ms |');
  });
});
