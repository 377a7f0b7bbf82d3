/**
 * `npx tsx scripts/bench/thread-cpu.ts [--every-ms 100] -- <command…>`: runs the command (a
 * benchmark) and says which Chromium threads used the CPU while each of its steps ran. It reads
 * every Chromium thread's on-CPU time (/proc/<pid>/task/<tid>/schedstat, nanoseconds) every
 * `--every-ms`, cuts the command's output into steps at each line naming a step — the bench's
 * "run 2/5: (a) …" and "(a) chat UI: run 2/3" — and prints, per kind of step, the median CPU
 * milliseconds of each kind of thread (the page's main thread, its compositor, the GPU process'
 * display compositor, the workers with ONNX Runtime's threads…).
 *
 * Why: on a 2-core machine the page, the worker and ONNX Runtime's threads compete for the cores,
 * and this is how issue 12's session 8 found where the app's time went (docs/performance.md):
 * a profile, not a guess. Linux only.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type ThreadTimes = Map<string, number>;

/** On-CPU milliseconds of every Chromium thread, keyed "process type:thread name". */
export function chromiumThreadTimes(): ThreadTimes {
  const times: ThreadTimes = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // Ended while we looked.
    }
    if (!/\/chrom(e|ium)(\s|$)/.test(commandLine.split(' --')[0] ?? '')) continue;
    const type = /--type=([a-z-]+)/.exec(commandLine)?.[1] ?? 'browser';
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const onCpuNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        // Thread names carry a number per instance (ThreadPoolForegroundWorker3): one kind.
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '');
        const key = `${type}:${name === 'chromium' || name === 'chrome' ? 'main' : name}`;
        // Keyed per thread as well, so a thread that ends between samples is not counted negative.
        times.set(`${key}\t${pid}/${tid}`, onCpuNs / 1e6);
      } catch {
        // Thread ended.
      }
    }
  }
  return times;
}

/** CPU ms per thread kind between two samples. */
function spent(before: ThreadTimes, after: ThreadTimes): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const [key, ms] of after) {
    const delta = ms - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    const kind = key.split('\t')[0]!;
    byKind.set(kind, (byKind.get(kind) ?? 0) + delta);
  }
  return byKind;
}

/** The kind of step a line starts ("(a) run", "(b) run", "chat UI run"), or null. */
export function stepOf(line: string): string | null {
  const suite = /run \d+\/\d+: (\([a-z]\))/.exec(line);
  if (suite) return `${suite[1]} run`;
  if (/chat UI: run \d+\/\d+/.test(line)) return 'chat UI run';
  return null;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { 'every-ms': { type: 'string', default: '100' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error('Usage: thread-cpu.ts [--every-ms 100] -- <command…>');
  const samples: { at: number; times: ThreadTimes }[] = [];
  const sample = () => samples.push({ at: Date.now(), times: chromiumThreadTimes() });
  const timer = setInterval(sample, Number(values['every-ms']));
  const marks: { at: number; step: string | null }[] = [];

  const child = spawn(positionals[0]!, positionals.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    // Any line ends the step before it; a step's own line starts the next.
    for (const line of lines) marks.push({ at: Date.now(), step: stepOf(line) });
  });
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? 1)));
  clearInterval(timer);
  sample();

  const nearest = (at: number) => samples.reduce((best, candidate) => (Math.abs(candidate.at - at) < Math.abs(best.at - at) ? candidate : best));
  const perStep = new Map<string, Map<string, number[]>>();
  const wall = new Map<string, number[]>();
  marks.forEach((mark, index) => {
    const next = marks[index + 1];
    if (!mark.step || !next) return;
    const [from, to] = [nearest(mark.at), nearest(next.at)];
    if (to.at <= from.at) return;
    const rows = perStep.get(mark.step) ?? new Map<string, number[]>();
    perStep.set(mark.step, rows);
    for (const [kind, ms] of spent(from.times, to.times)) rows.set(kind, [...(rows.get(kind) ?? []), ms]);
    wall.set(mark.step, [...(wall.get(mark.step) ?? []), to.at - from.at]);
  });

  console.log('\n# CPU ms per step, median over the steps of each kind (threads using at least 20 ms)');
  const steps = [...perStep.keys()].sort();
  const kinds = [...new Set(steps.flatMap((step) => [...perStep.get(step)!.keys()]))]
    .map((kind) => ({ kind, most: Math.max(...steps.map((step) => median(perStep.get(step)!.get(kind) ?? [0]))) }))
    .filter(({ most }) => most >= 20)
    .sort((a, b) => b.most - a.most);
  console.log(`| Thread | ${steps.map((step) => `${step} (${wall.get(step)!.length}×, ${Math.round(median(wall.get(step)!))} ms wall)`).join(' | ')} |`);
  console.log(`| --- | ${steps.map(() => '---').join(' | ')} |`);
  for (const { kind } of kinds) {
    console.log(`| ${kind} | ${steps.map((step) => Math.round(median(perStep.get(step)!.get(kind) ?? [0]))).join(' | ')} |`);
  }
  process.exitCode = code;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
