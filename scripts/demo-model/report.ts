/**
 * Writes the held-out figures of the last `npm run train-demo-model` into docs/demo-model.md,
 * between its `<!-- results:start -->` and `<!-- results:end -->` markers, and prints them.
 *   tsx scripts/demo-model/report.ts --work <dir> --doc docs/demo-model.md [--seconds N]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserEvaluation } from './evaluate-browser.ts';
import { QUESTION_TYPES } from './heldout.ts';

interface PytorchRun {
  detail: string;
  device: string;
  questions: number;
  accuracy: number;
  per_type: Record<string, { right: number; total: number; accuracy: number }>;
}

interface Row {
  label: string;
  questions: number;
  accuracy: number;
  perType: Record<string, { accuracy: number; total: number }>;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function table(rows: Row[]): string {
  const header = `| run | questions | overall | ${QUESTION_TYPES.join(' | ')} |`;
  const rule = `|---|---|---|${QUESTION_TYPES.map(() => '---').join('|')}|`;
  const lines = rows.map(
    (row) =>
      `| ${row.label} | ${row.questions} | **${percent(row.accuracy)}** | ${QUESTION_TYPES.map((type) => (row.perType[type] ? percent(row.perType[type].accuracy) : '–')).join(' | ')} |`,
  );
  return [header, rule, ...lines].join('\n');
}

function main(): void {
  const { values } = parseArgs({ options: { work: { type: 'string' }, doc: { type: 'string' }, seconds: { type: 'string' } } });
  if (!values.work || !values.doc) throw new Error('usage: --work <dir> --doc <markdown file>');
  const rows: Row[] = [];
  const pytorch = JSON.parse(readFileSync(path.join(values.work, 'eval-pytorch.json'), 'utf8')) as { step: number; runs: PytorchRun[] };
  for (const run of pytorch.runs) {
    rows.push({ label: `PyTorch, ${run.detail} (${run.device} tiling)`, questions: run.questions, accuracy: run.accuracy, perType: run.per_type });
  }
  for (const file of ['eval-browser-wasm.json', 'eval-browser-webgpu.json']) {
    const full = path.join(values.work, file);
    if (!existsSync(full)) continue;
    for (const run of JSON.parse(readFileSync(full, 'utf8')) as BrowserEvaluation[]) {
      const formats = [...new Set(Object.values(run.dtype))].join('/');
      rows.push({
        label: `app worker in Chromium, ${run.backend === 'webgpu' ? 'WebGPU (SwiftShader)' : 'WASM'} ${formats}, ${run.detail}`,
        questions: run.questions,
        accuracy: run.accuracy,
        perType: run.perType,
      });
    }
  }
  const minutes = values.seconds ? ` The whole command took ${(Number(values.seconds) / 60).toFixed(0)} minutes.` : '';
  const block = [
    '<!-- results:start -->',
    `Held-out accuracy after ${pytorch.step} training steps (written by \`npm run train-demo-model\`).${minutes}`,
    '',
    table(rows),
    '<!-- results:end -->',
  ].join('\n');
  console.log(block);
  const doc = readFileSync(values.doc, 'utf8');
  const pattern = /<!-- results:start -->[\s\S]*?<!-- results:end -->/;
  if (!pattern.test(doc)) throw new Error(`${values.doc} has no results markers`);
  writeFileSync(values.doc, doc.replace(pattern, block));
}

main();
