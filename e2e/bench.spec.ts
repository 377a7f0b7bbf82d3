/**
 * The benchmark harness end to end: `npm run bench -- --quick` on the tiny test model, against
 * the build under test, must write a report with every section filled with positive numbers.
 * Figures are not judged here (benchmarks print them; tests never assert timings).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import type { BenchReport, PathSummary, Summary } from '../src/bench/core/types.ts';

const DIST = process.env.E2E_DIST ?? 'dist';

const positive = (summary: Summary | null | undefined) => expect(summary?.median, 'a median above 0').toBeGreaterThan(0);

function expectPath(path: PathSummary | undefined, name: string): void {
  expect(path, name).toBeDefined();
  positive(path!.loadColdMs);
  positive(path!.loadWarmMs);
  for (const detail of ['low', 'auto', 'high'] as const) {
    const d = path!.details[detail];
    expect(d, `${name} detail ${detail}`).toBeDefined();
    expect(d!.plan.imageTokens).toBe(detail === 'high' ? 1088 : 64);
    positive(d!.preprocessMs);
    positive(d!.visionEncodeMs);
    positive(d!.prefillMs);
    positive(d!.timeToFirstTokenMs);
  }
  expect(path!.decode?.tokens).toBe(32);
  positive(path!.decode?.tokensPerSecond);
  expect(path!.decode!.msPerTokenP90).toBeGreaterThan(0);
}

test('npm run bench --quick writes every section for the tiny model', async () => {
  test.setTimeout(240_000);
  const out = await mkdtemp(path.join(os.tmpdir(), 'vlm-bench-'));
  try {
    await promisify(execFile)(
      'npx',
      ['tsx', 'scripts/bench/main.ts', '--quick', '--model', 'SmolVLM-test-tiny', '--backends', 'wasm-1', '--no-build', '--dist', DIST, '--port', '0', '--out', out],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.schema).toBe('vlm-bench/1');
    expect(report.backends.map((b) => b.id)).toEqual(['wasm-1']);
    const [wasm] = report.backends;
    expectPath(wasm!.paths.app, '(a) app');
    expectPath(wasm!.paths.bare, '(b) transformers.js');
    expectPath(wasm!.paths.native, '(c) onnxruntime-node');
    expect(wasm!.paths.app!.memory.peakRssBytes).toBeGreaterThan(0);
    expect(wasm!.paths.bare!.memory.peakWasmBytes).toBeGreaterThan(0);
    expect(wasm!.paths.native!.memory.peakRssBytes).toBeGreaterThan(0);
    expect(wasm!.bound?.bandwidth.bestGBps).toBeGreaterThan(0);
    expect(wasm!.bound?.tokensPerSecond).toBeGreaterThan(0);
    const { pairedAppOverBare, ...ratios } = wasm!.ratios;
    for (const value of Object.values(ratios)) expect(value).toBeGreaterThan(0);
    // Run by run: one pair per question (and per cold-load round), each side measured.
    for (const paired of [pairedAppOverBare!.decode, pairedAppOverBare!.ttftLow, pairedAppOverBare!.loadCold]) {
      expect(paired!.n).toBeGreaterThan(0);
      expect(paired!.median).toBeGreaterThan(0);
    }
    // (e) The vision encoder against the WASM multiply-add probe: counted, measured, compared.
    const vision = wasm!.visionLimit!;
    expect(vision.flops.total).toBeGreaterThan(0);
    for (const rate of [vision.compute.f32MulAdd, vision.compute.int16Dot]) expect(rate.best).toBeGreaterThan(0);
    for (const id of ['app', 'bare', 'native'] as const) expect(vision.paths[id]?.fractionOfBound).toBeGreaterThan(0);
    expect(wasm!.responsiveness?.piecesReceived).toBeGreaterThan(0);
    // Same files, same runtime, greedy: the app and bare transformers.js agree token for token.
    expect(wasm!.tokenAgreement.find((a) => a.pair === 'app/bare')).toMatchObject({ matching: 32, of: 32 });
    // Issue 12 (app path): prepared ahead at every lead, the same image again, a follow-up; same greedy tokens.
    const instant = wasm!.instant!;
    expect(new Set(instant.ahead.filter((r) => !r.untilPrepared).map((r) => r.leadSeconds))).toEqual(new Set([0, 2, 5]));
    for (const r of [...instant.ahead, ...instant.cold, ...instant.followUp]) expect(r.matchingTokens).toBe(r.tokens);
    for (const r of instant.ahead) expect(r.ttftMs).toBeGreaterThan(0);
    // Enter after prepare() resolved: the answer starts from the prepared work.
    const untilPrepared = instant.ahead.filter((r) => r.untilPrepared);
    expect(untilPrepared.length).toBeGreaterThan(0);
    for (const r of untilPrepared) expect(r.outcome).toBe('prepared');
    for (const r of untilPrepared) expect(r.preparedTokens).toBeGreaterThan(0);
    for (const r of instant.cold) expect(r.againTtftMs).toBeGreaterThan(0);
    for (const r of instant.followUp) expect(r.reusedPromptTokens).toBeGreaterThanOrEqual(r.previousPromptTokens + r.previousAnswerTokens - 1);
    const markdown = await readFile(path.join(out, 'latest.md'), 'utf8');
    for (const heading of ['## Summary', '## Image detail', '## Ratios', 'Run by run', '## (d) Memory-bandwidth bound', '## (e) Vision encoder against the WASM compute limit', '## (a) Main thread', '## (a) Image attached N s before Enter', '## (a) Follow-up']) expect(markdown).toContain(heading);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
