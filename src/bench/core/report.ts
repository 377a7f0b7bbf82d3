/**
 * From raw runs to the figures people read: summaries per path, the ratios between paths, the
 * memory-bandwidth bound, and the Markdown table (printed by `npm run bench`, shown and copied on
 * the in-app page).
 */
import { intervals, matchingPrefix, pairedRatio, percentile, summarize, tokensPerSecond } from './stats.ts';
import type {
  AheadRun,
  BackendResult,
  BandwidthResult,
  BenchReport,
  BoundResult,
  ComputeResult,
  DecodeSummary,
  DetailName,
  DetailSummary,
  MeasuredPathId,
  PairedRatio,
  PathRuns,
  PathSummary,
  RatioSet,
  SuiteResult,
  Summary,
  VisionLimit,
} from './types.ts';
import { visionFlopsPerFrame, type VisionEncoderConfig } from './vision-flops.ts';
import { IMAGE_DETAILS } from '../../../workers/protocol.ts';

export const PATH_LABELS: Record<MeasuredPathId | 'bound', string> = {
  app: '(a) app',
  bare: '(b) transformers.js',
  native: '(c) onnxruntime-node',
  bound: '(d) bandwidth bound',
};

export function emptyRuns(): PathRuns {
  return { loads: { coldMs: [], warmMs: [] }, prefill: [], decode: [], memory: {}, notes: [] };
}

export function summarizeDecode(runs: PathRuns['decode']): DecodeSummary | null {
  const usable = runs.filter((run) => run.tokenTimesMs.length >= 2);
  if (usable.length === 0) return null;
  const gaps = usable.flatMap((run) => intervals(run.tokenTimesMs));
  const worker = summarize(usable.flatMap((run) => (run.workerTokensPerSecond === undefined ? [] : [run.workerTokensPerSecond])));
  return {
    tokens: Math.max(...usable.map((run) => run.tokenTimesMs.length)),
    tokensPerSecond: summarize(usable.map((run) => tokensPerSecond(run.tokenTimesMs)))!,
    msPerTokenMedian: percentile(gaps, 50),
    msPerTokenP90: percentile(gaps, 90),
    ...(worker ? { workerTokensPerSecond: worker } : {}),
  };
}

export function summarizePath(runs: PathRuns): PathSummary {
  const details: Partial<Record<DetailName, DetailSummary>> = {};
  for (const detail of IMAGE_DETAILS) {
    const own = runs.prefill.filter((run) => run.detail === detail);
    if (own.length === 0) continue;
    details[detail] = {
      plan: own[0]!.plan,
      promptTokens: own[0]!.promptTokens,
      preprocessMs: summarize(own.map((run) => run.preprocessMs))!,
      visionEncodeMs: summarize(own.map((run) => run.visionEncodeMs))!,
      prefillMs: summarize(own.map((run) => run.prefillMs))!,
      timeToFirstTokenMs: summarize(own.map((run) => run.timeToFirstTokenMs))!,
    };
  }
  return {
    loadColdMs: summarize(runs.loads.coldMs),
    loadWarmMs: summarize(runs.loads.warmMs),
    firstQuestionTtftMs: summarize(runs.firstQuestionTtftMs ?? []),
    details,
    decode: summarizeDecode(runs.decode),
    memory: runs.memory,
    notes: runs.notes,
  };
}

/** Bytes the decoder must read per generated token, and the speed that allows at a bandwidth. */
export function computeBound(
  bandwidth: BandwidthResult,
  decoderWeightBytes: number,
  kvBytesPerPosition: number,
  meanContext: number,
): BoundResult {
  const bytesPerToken = decoderWeightBytes + kvBytesPerPosition * meanContext;
  // STREAM counts copy traffic as read + write; decoding is (almost) all reads, at the same rate.
  const msPerToken = (bytesPerToken / (bandwidth.bestGBps * 1e9)) * 1000;
  return { bandwidth, decoderWeightBytes, kvBytesPerPosition, meanContext, bytesPerToken, msPerToken, tokensPerSecond: 1000 / msPerToken };
}

/** Mean time per token (the inverse of the median decode speed). */
/**
 * (e) How far one frame through the vision encoder is from the WASM multiply-add rate: the bound
 * runs the weight products at the int8 dot rate for a q8 file (f32 mul+add for fp32 and q4, which
 * ORT dequantises to fp32) and attention at f32 mul+add. Measured: detail low's vision encode (one frame).
 */
export function computeVisionLimit(config: VisionEncoderConfig, compute: ComputeResult, visionDtype: string, paths: BackendResult['paths']): VisionLimit {
  const flops = visionFlopsPerFrame(config);
  const weightRate = visionDtype === 'q8' ? compute.int16Dot.best : compute.f32MulAdd.best;
  const boundMs = ((flops.weightProducts / weightRate + flops.attention / compute.f32MulAdd.best) / 1e9) * 1000;
  const measured: VisionLimit['paths'] = {};
  for (const id of MEASURED) {
    const low = paths[id]?.details.low;
    if (!low || low.plan.frames < 1) continue;
    const msPerFrame = low.visionEncodeMs.median / low.plan.frames;
    measured[id] = { msPerFrame, gflops: flops.total / (msPerFrame / 1000) / 1e9, fractionOfBound: boundMs / msPerFrame };
  }
  return { flops, compute, visionDtype, boundMs, paths: measured };
}

function decodeMs(path: PathSummary | undefined): number | null {
  const tps = path?.decode?.tokensPerSecond.median;
  return tps && Number.isFinite(tps) ? 1000 / tps : null;
}

function ttftLow(path: PathSummary | undefined): number | null {
  return path?.details.low?.timeToFirstTokenMs.median ?? null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && b > 0 ? a / b : null;
}

export function computeRatios(paths: BackendResult['paths'], bound: BoundResult | null): RatioSet {
  const boundMs = bound?.msPerToken ?? null;
  return {
    decodeAppOverBare: ratio(decodeMs(paths.app), decodeMs(paths.bare)),
    decodeBareOverNative: ratio(decodeMs(paths.bare), decodeMs(paths.native)),
    decodeNativeOverBound: ratio(decodeMs(paths.native), boundMs),
    decodeAppOverBound: ratio(decodeMs(paths.app), boundMs),
    ttftAppOverBare: ratio(ttftLow(paths.app), ttftLow(paths.bare)),
    ttftBareOverNative: ratio(ttftLow(paths.bare), ttftLow(paths.native)),
  };
}

/**
 * (a) over (b) run by run: the runs of one index were measured back to back (questions and loads
 * alternate their order), so each ratio compares the two paths under the same machine load.
 */
export function pairedAppOverBare(raw: BackendResult['raw']): NonNullable<RatioSet['pairedAppOverBare']> | null {
  const { app, bare } = raw;
  if (!app || !bare) return null;
  const msPerToken = (runs: PathRuns) => runs.decode.map((run) => 1000 / tokensPerSecond(run.tokenTimesMs));
  const ttftLow = (runs: PathRuns) => runs.prefill.filter((run) => run.detail === 'low').map((run) => run.timeToFirstTokenMs);
  return {
    decode: pairedRatio(msPerToken(app), msPerToken(bare)),
    ttftLow: pairedRatio(ttftLow(app), ttftLow(bare)),
    loadCold: pairedRatio(app.loads.coldMs, bare.loads.coldMs),
  };
}

/** Greedy answers of the same files should agree (exactly on one runtime, mostly across runtimes). */
export function tokenAgreement(raw: BackendResult['raw']): BackendResult['tokenAgreement'] {
  const first = (path: MeasuredPathId) => raw[path]?.decode[0]?.tokenIds;
  const pairs: [MeasuredPathId, MeasuredPathId][] = [
    ['app', 'bare'],
    ['bare', 'native'],
  ];
  const result: BackendResult['tokenAgreement'] = [];
  for (const [x, y] of pairs) {
    const a = first(x);
    const b = first(y);
    if (a && b) result.push({ pair: `${x}/${y}`, matching: matchingPrefix(a, b), of: Math.min(a.length, b.length) });
  }
  return result;
}

// --- Markdown -----------------------------------------------------------------------------

function num(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toFixed(d);
}

/** "123 ms (110–140)" — median and the spread of the runs. */
export function fmtSummary(summary: Summary | null | undefined, unit = ' ms'): string {
  if (!summary) return '—';
  const spread = summary.n > 1 ? ` (${num(summary.min)}–${num(summary.max)})` : '';
  return `${num(summary.median)}${unit}${spread}`;
}

export function fmtBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  return bytes >= 1e7 ? `${(bytes / 1e6).toFixed(0)} MB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

function fmtRatio(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}×`;
}

function withPaired(paired: RatioSet['pairedAppOverBare'] | null): Pick<RatioSet, 'pairedAppOverBare'> {
  return paired ? { pairedAppOverBare: paired } : {};
}

/** `1.02× [0.98–1.05] (90%, 8 pairs)`: the median of the per-pair ratios and its interval. */
function fmtPaired(paired: PairedRatio | null | undefined): string {
  if (!paired) return '—';
  const interval = paired.low !== null && paired.high !== null ? ` [${paired.low.toFixed(2)}–${paired.high.toFixed(2)}] (${Math.floor(paired.confidence * 100)}%, ` : ' (';
  return `${paired.median.toFixed(2)}×${interval}${paired.n} pair${paired.n === 1 ? '' : 's'})`;
}

function memoryCell(memory: PathSummary['memory']): string {
  const parts: string[] = [];
  if (memory.peakWorkerHeapBytes !== undefined) parts.push(`heap ${fmtBytes(memory.peakWorkerHeapBytes)}`);
  if (memory.peakWasmBytes !== undefined) parts.push(`wasm ${fmtBytes(memory.peakWasmBytes)}`);
  if (memory.peakRssBytes !== undefined) parts.push(`rss ${fmtBytes(memory.peakRssBytes)}`);
  return parts.join(', ') || '—';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

const MEASURED: MeasuredPathId[] = ['app', 'bare', 'native'];

function backendName(backend: BackendResult): string {
  return backend.caveat ? `${backend.label} — ${backend.caveat}` : backend.label;
}

export function toMarkdown(report: BenchReport): string {
  const { settings, conditions } = report;
  const lines: string[] = [];
  lines.push(`# Benchmark: ${report.model.name} (${report.model.id})`);
  lines.push('');
  lines.push(
    `${report.createdAt} · ${settings.quick ? 'quick' : 'full'} run · ${settings.runs} run(s) per figure (detail high: ${settings.highRuns}) after a warm-up · ` +
      `${settings.maxNewTokens} greedy tokens · one ${settings.imageSize} px image · medians, (min–max) when repeated`,
  );
  lines.push('');
  const load = conditions.loadAverage;
  lines.push(
    `Machine: ${conditions.cpu}, ${conditions.cores} cores, ${fmtBytes(conditions.memoryBytes)} · ${conditions.browser}` +
      (conditions.node ? ` · Node ${conditions.node}, onnxruntime-node ${conditions.onnxruntimeNode ?? '?'}` : '') +
      (load ? ` · load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)} (mean ${load.mean.toFixed(1)}, max ${load.max.toFixed(1)})` : ''),
  );
  if (conditions.note) lines.push('', `Conditions: ${conditions.note}`);
  lines.push('');

  lines.push('## Summary');
  lines.push('');
  const summaryRows: string[][] = [];
  for (const backend of report.backends) {
    for (const id of MEASURED) {
      const path = backend.paths[id];
      if (!path) continue;
      summaryRows.push([
        backendName(backend),
        PATH_LABELS[id],
        fmtSummary(path.loadColdMs),
        fmtSummary(path.loadWarmMs),
        fmtSummary(path.firstQuestionTtftMs),
        fmtSummary(path.details.low?.timeToFirstTokenMs),
        fmtSummary(path.details.high?.timeToFirstTokenMs),
        path.decode ? fmtSummary(path.decode.tokensPerSecond, '') : '—',
        path.decode ? `${num(path.decode.msPerTokenMedian)} / ${num(path.decode.msPerTokenP90)}` : '—',
        memoryCell(path.memory),
      ]);
    }
    if (backend.bound) {
      summaryRows.push([backendName(backend), PATH_LABELS.bound, '', '', '', '', '', num(backend.bound.tokensPerSecond), `${num(backend.bound.msPerToken)}`, '']);
    }
  }
  lines.push(
    table(['Backend', 'Path', 'Load cold', 'Load warm', 'First question TTFT', 'TTFT low', 'TTFT high', 'Decode tok/s', 'ms/token median / p90', 'Peak memory'], summaryRows),
  );
  lines.push('');

  lines.push('## Image detail (one 512 px image)');
  lines.push('');
  const detailRows: string[][] = [];
  for (const backend of report.backends) {
    for (const id of MEASURED) {
      const path = backend.paths[id];
      if (!path) continue;
      for (const detail of IMAGE_DETAILS) {
        const d = path.details[detail];
        if (!d) continue;
        detailRows.push([
          backendName(backend),
          PATH_LABELS[id],
          detail,
          String(d.plan.frames),
          String(d.plan.imageTokens),
          String(d.promptTokens),
          fmtSummary(d.preprocessMs),
          fmtSummary(d.visionEncodeMs),
          fmtSummary(d.prefillMs),
          fmtSummary(d.timeToFirstTokenMs),
        ]);
      }
    }
  }
  lines.push(table(['Backend', 'Path', 'Detail', 'Frames', 'Image tokens', 'Prompt tokens', 'Preprocess', 'Vision encode', 'Prefill', 'TTFT'], detailRows));
  lines.push('');

  lines.push('## Ratios (of times: ms per token, ms to first token; > 1 means the first is slower)');
  lines.push('');
  lines.push(
    table(
      ['Backend', 'decode a/b', 'decode b/c', 'decode c/d', 'decode a/d', 'TTFT low a/b', 'TTFT low b/c'],
      report.backends.map((backend) => [
        backendName(backend),
        fmtRatio(backend.ratios.decodeAppOverBare),
        fmtRatio(backend.ratios.decodeBareOverNative),
        fmtRatio(backend.ratios.decodeNativeOverBound),
        fmtRatio(backend.ratios.decodeAppOverBound),
        fmtRatio(backend.ratios.ttftAppOverBare),
        fmtRatio(backend.ratios.ttftBareOverNative),
      ]),
    ),
  );
  lines.push('');
  const paired = report.backends.filter((backend) => backend.ratios.pairedAppOverBare);
  if (paired.length) {
    lines.push('Run by run: (a) over (b) for each pair of runs measured back to back, the median and the interval that holds the true median with the confidence given (order statistics, no normality assumed).');
    lines.push('');
    lines.push(
      table(
        ['Backend', 'decode a/b', 'TTFT low a/b', 'cold load a/b'],
        paired.map((backend) => {
          const ratios = backend.ratios.pairedAppOverBare!;
          return [backendName(backend), fmtPaired(ratios.decode), fmtPaired(ratios.ttftLow), fmtPaired(ratios.loadCold)];
        }),
      ),
    );
    lines.push('');
  }

  const bounded = report.backends.filter((backend) => backend.bound);
  if (bounded.length) {
    lines.push('## (d) Memory-bandwidth bound for decoding');
    lines.push('');
    lines.push(
      table(
        ['Backend', 'WASM copy bandwidth (best / median)', 'Decoder weights', 'KV bytes per position', 'Mean context', 'Bytes per token', 'Bound ms/token', 'Bound tok/s'],
        bounded.map((backend) => {
          const b = backend.bound!;
          return [
            backendName(backend),
            `${num(b.bandwidth.bestGBps)} / ${num(b.bandwidth.medianGBps)} GB/s (${b.bandwidth.threads} thread${b.bandwidth.threads > 1 ? 's' : ''})`,
            fmtBytes(b.decoderWeightBytes),
            `${(b.kvBytesPerPosition / 1024).toFixed(1)} KiB`,
            String(Math.round(b.meanContext)),
            fmtBytes(b.bytesPerToken),
            num(b.msPerToken),
            num(b.tokensPerSecond),
          ];
        }),
      ),
    );
    lines.push('');
  }

  const limited = report.backends.filter((backend) => backend.visionLimit);
  if (limited.length) {
    lines.push('## (e) Vision encoder against the WASM compute limit (one frame)');
    lines.push('');
    const rate = (r: { best: number; median: number } | undefined) => (r ? `${num(r.best)} / ${num(r.median)}` : '—');
    lines.push(
      table(
        ['Backend', 'WASM f32 mul+add GFLOP/s (best / median)', 'relaxed FMA', 'int8 dot (i16 pairs) Gop/s', 'Vision dtype', 'GFLOP per frame (weights + attention)', 'Bound ms/frame', 'Path', 'Vision encode ms/frame', 'Achieved GFLOP/s', 'Bound ÷ measured'],
        limited.flatMap((backend) => {
          const v = backend.visionLimit!;
          const threads = `${v.compute.threads} thread${v.compute.threads > 1 ? 's' : ''}`;
          return (Object.entries(v.paths) as [MeasuredPathId, VisionLimit['paths'][MeasuredPathId]][]).map(([id, p], index) => [
            index === 0 ? backendName(backend) : '',
            index === 0 ? `${rate(v.compute.f32MulAdd)} (${threads})` : '',
            index === 0 ? (v.compute.relaxedSimd ? rate(v.compute.f32Fma) : 'not offered') : '',
            index === 0 ? rate(v.compute.int16Dot) : '',
            index === 0 ? v.visionDtype : '',
            index === 0 ? `${num(v.flops.total / 1e9)} (${num(v.flops.weightProducts / 1e9)} + ${num(v.flops.attention / 1e9)})` : '',
            index === 0 ? num(v.boundMs) : '',
            PATH_LABELS[id],
            num(p!.msPerFrame),
            num(p!.gflops),
            `${(p!.fractionOfBound * 100).toFixed(1)}%`,
          ]);
        }),
      ),
    );
    lines.push('');
    lines.push('(c) runs native kernels (AVX2/AVX-512 here), whose limit is above the WASM probe\'s: its fraction can pass 100%.');
    lines.push('');
  }

  const responsive = report.backends.filter((backend) => backend.responsiveness);
  if (responsive.length) {
    lines.push('## (a) Main thread while tokens stream');
    lines.push('');
    lines.push(
      table(
        ['Backend', 'Streaming time', 'Longest task', 'Tasks > 50 ms', 'Pieces received', 'DOM updates'],
        responsive.map((backend) => {
          const r = backend.responsiveness!;
          return [backendName(backend), `${num(r.streamingMs)} ms`, `${num(r.longestTaskMs)} ms`, String(r.tasksOver50Ms), String(r.piecesReceived), String(r.domUpdates)];
        }),
      ),
    );
    lines.push('');
  }

  const withUi = report.backends.filter((backend) => backend.chatUi?.runs.length);
  if (withUi.length) {
    lines.push('## (a) In the chat page (the real UI: Enter → answer on screen, detail low, greedy)');
    lines.push('');
    lines.push(
      table(
        ['Backend', 'Enter → first words', 'Engine TTFT', 'Engine decode tok/s', 'Tokens', 'Screen updates', 'Longest task', 'Tasks > 50 ms'],
        withUi.map((backend) => {
          const runs = backend.chatUi!.runs;
          const of = (pick: (run: (typeof runs)[number]) => number) => summarize(runs.map(pick));
          return [
            backendName(backend),
            fmtSummary(of((r) => r.timeToFirstTextMs)),
            fmtSummary(of((r) => r.engineTimeToFirstTokenMs)),
            fmtSummary(of((r) => r.engineTokensPerSecond), ''),
            fmtSummary(of((r) => r.newTokens), ''),
            fmtSummary(of((r) => r.domUpdates), ''),
            `${num(Math.max(...runs.map((r) => r.longestTaskMs)))} ms`,
            String(runs.reduce((sum, r) => sum + r.tasksOver50Ms, 0)),
          ];
        }),
      ),
    );
    lines.push('');
  }

  const withInstant = report.backends.filter((backend) => backend.instant);
  if (withInstant.length) lines.push(...instantMarkdown(withInstant));

  lines.push('## Runs');
  lines.push('');
  for (const backend of report.backends) {
    const agreement = backend.tokenAgreement.map((a) => `${a.pair} ${a.matching}/${a.of}`).join(', ');
    const dtype = Object.entries(backend.dtype)
      .map(([session, value]) => `${session} ${value}`)
      .join(', ');
    lines.push(
      `- **${backendName(backend)}**: ${dtype}${backend.adapter ? `; adapter ${backend.adapter}` : ''}` +
        (agreement ? `; greedy tokens agreeing: ${agreement}` : '') +
        (backend.rendererPeakRssBytes ? `; renderer peak RSS (a and b together) ${fmtBytes(backend.rendererPeakRssBytes)}` : '') +
        (backend.skipped.length ? `; skipped: ${backend.skipped.join('; ')}` : ''),
    );
    for (const id of MEASURED) {
      const notes = [...(backend.paths[id]?.notes ?? [])];
      const worker = backend.paths[id]?.decode?.workerTokensPerSecond;
      if (worker) notes.push(`decode inside the worker ${fmtSummary(worker, ' tokens/s')} (on the page: ${fmtSummary(backend.paths[id]!.decode!.tokensPerSecond, ' tokens/s')})`);
      if (notes.length) lines.push(`  - ${PATH_LABELS[id]}: ${notes.join('; ')}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** "a of b" over runs: how many greedy tokens matched, summed. */
function agreeing(runs: readonly { matchingTokens: number; tokens: number }[]): string {
  return `${runs.reduce((sum, r) => sum + r.matchingTokens, 0)}/${runs.reduce((sum, r) => sum + r.tokens, 0)}`;
}

function timesCell(values: number[], reference: number | undefined): string {
  const summary = summarize(values);
  if (!summary) return '—';
  return reference ? `${fmtSummary(summary)} (${(summary.median / reference).toFixed(2)}×)` : fmtSummary(summary);
}

/** Issue 12's tables (app path): prepared ahead, the same image again, a follow-up. */
function instantMarkdown(backends: BackendResult[]): string[] {
  const lines: string[] = [];
  const fixed = (r: AheadRun) => !r.untilPrepared;
  const leads = [...new Set(backends.flatMap((b) => b.instant!.ahead.filter(fixed).map((r) => r.leadSeconds)))].sort((a, b) => a - b);
  const aheadRows: string[][] = [];
  const againRows: string[][] = [];
  for (const backend of backends) {
    const { ahead, cold } = backend.instant!;
    for (const detail of IMAGE_DETAILS) {
      const coldRuns = cold.filter((r) => r.detail === detail);
      if (!coldRuns.length) continue;
      const coldMedian = summarize(coldRuns.map((r) => r.ttftMs))!.median;
      const own = ahead.filter((r) => r.detail === detail);
      const prepared = own.filter((r) => r.untilPrepared);
      const preparedLead = summarize(prepared.map((r) => r.leadSeconds * 1000));
      aheadRows.push([
        backendName(backend),
        detail,
        fmtSummary(summarize(coldRuns.map((r) => r.ttftMs))),
        ...leads.map((lead) => timesCell(own.filter((r) => fixed(r) && r.leadSeconds === lead).map((r) => r.ttftMs), coldMedian)),
        prepared.length ? `${timesCell(prepared.map((r) => r.ttftMs), coldMedian)}, Enter ${fmtSummary(preparedLead)} after attaching` : '—',
        prepared.length ? `${summarize(prepared.map((r) => r.preparedTokens))!.median} of ${prepared[0]!.promptTokens}` : '—',
        [...new Set(own.map((r) => r.outcome))].join(', '),
        agreeing(own),
      ]);
      againRows.push([
        backendName(backend),
        detail,
        fmtSummary(summarize(coldRuns.map((r) => r.ttftMs))),
        timesCell(coldRuns.map((r) => r.againTtftMs), coldMedian),
        fmtSummary(summarize(coldRuns.map((r) => r.visionEncodeMs))),
        fmtSummary(summarize(coldRuns.map((r) => r.againVisionEncodeMs))),
        agreeing(coldRuns),
      ]);
    }
  }
  lines.push('## (a) Image attached N s before Enter (issue 12: TTFT from Enter; × = of a picture not seen before)');
  lines.push('');
  lines.push(
    table(
      ['Backend', 'Detail', 'Not prepared (cold)', ...leads.map((lead) => `N = ${lead} s`), 'Enter once prepared', 'Prepared tokens it used', 'prepare() outcomes', 'Greedy tokens equal to not preparing'],
      aheadRows,
    ),
  );
  lines.push('');
  lines.push('## (a) The same image again in a new chat (reset, new image id, same bytes)');
  lines.push('');
  lines.push(table(['Backend', 'Detail', 'First time TTFT', 'Again TTFT', 'Vision encode first', 'Vision encode again', 'Greedy tokens equal'], againRows));
  lines.push('');
  lines.push('## (a) Follow-up after a long answer');
  lines.push('');
  lines.push(
    table(
      ['Backend', 'Previous answer tokens', 'Prompt tokens', 'Reused from the KV cache', 'TTFT', 'From an empty cache', 'Greedy tokens equal'],
      backends.map((backend) => {
        const runs = backend.instant!.followUp;
        const scratch = summarize(runs.map((r) => r.fromScratchTtftMs));
        return [
          backendName(backend),
          fmtSummary(summarize(runs.map((r) => r.previousAnswerTokens)), ''),
          fmtSummary(summarize(runs.map((r) => r.promptTokens)), ''),
          fmtSummary(summarize(runs.map((r) => r.reusedPromptTokens)), ''),
          timesCell(runs.map((r) => r.ttftMs), scratch?.median),
          fmtSummary(scratch),
          agreeing(runs),
        ];
      }),
    ),
  );
  lines.push('');
  return lines;
}

/** One backend's figures from the browser suite, plus the native path when Node measured it. */
export function buildBackendResult(
  suite: SuiteResult,
  extra: { native?: PathRuns; nativeNote?: string; rendererPeakRssBytes?: number } = {},
): BackendResult {
  const raw: BackendResult['raw'] = { ...suite.runs, ...(extra.native ? { native: extra.native } : {}) };
  const paths: BackendResult['paths'] = {};
  for (const [id, runs] of Object.entries(raw) as [MeasuredPathId, PathRuns][]) paths[id] = summarizePath(runs);
  let bound: BoundResult | null = null;
  const low = suite.runs.app?.prefill.find((run) => run.detail === 'low');
  const decodeTokens = paths.app?.decode?.tokens ?? 0;
  if (suite.bandwidth && low && suite.model.kvBytesPerPosition !== null) {
    bound = computeBound(suite.bandwidth, suite.model.decoderWeightBytes, suite.model.kvBytesPerPosition, low.promptTokens + decodeTokens / 2);
  }
  const visionDtype = suite.backend.dtype['vision_encoder'];
  const visionLimit = suite.compute && suite.visionConfig && visionDtype ? computeVisionLimit(suite.visionConfig, suite.compute, visionDtype, paths) : undefined;
  const skipped = [...suite.skipped];
  if (!extra.native && extra.nativeNote) skipped.push(extra.nativeNote);
  return {
    ...suite.backend,
    label: suite.backend.device === 'wasm' ? `WASM ${suite.backend.threads} thread${suite.backend.threads > 1 ? 's' : ''}` : 'WebGPU',
    paths,
    bound,
    ...(visionLimit ? { visionLimit } : {}),
    ratios: { ...computeRatios(paths, bound), ...withPaired(pairedAppOverBare(raw)) },
    responsiveness: suite.responsiveness,
    tokenAgreement: tokenAgreement(raw),
    ...(extra.rendererPeakRssBytes ? { rendererPeakRssBytes: extra.rendererPeakRssBytes } : {}),
    ...(suite.instant ? { instant: suite.instant } : {}),
    raw,
    skipped,
  };
}
