/**
 * `npm run bench:video [-- options]`: the video row of the benchmark, on WASM in headless
 * Chromium. Serves a build, loads the model in the chat page, then for an 8-second test clip made
 * in the browser (e2e/video-fixtures.ts): the time from dropping it to its sampled frames on screen
 * (demux + WebCodecs decode + JPEG), and, through the page's bridge, a fresh answer on those frames
 * (KV cache reset each run): vision encoding per frame, prefill and time to first token.
 *
 *   --model <id>     SmolVLM-256M-random (default; generated if missing) or SmolVLM-test-tiny
 *   --dist <dir>     build folder (default dist-video; built with `npx tsc -b && npx vite build --outDir <dir>` first)
 *   --runs N         answers measured (default 3)   --seconds N   clip length (default 8: 8 frames)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startStaticServer } from '../serve.ts';
import { PRESETS } from '../test-model/presets.ts';
import { evenTimes, makeVideo } from '../../e2e/video-fixtures.ts';
import { launch } from './browser.ts';
import { BENCH_MODEL_ID, ensureModel, serveModelFrom } from './models.ts';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const log = (message: string) => console.log(`[bench:video ${new Date().toISOString().slice(11, 19)}] ${message}`);

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: BENCH_MODEL_ID },
    dist: { type: 'string', default: 'dist-video' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
  },
});
const modelId = values.model;
const dist = path.resolve(projectRoot, values.dist);
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const preset = Object.values(PRESETS).find((candidate) => candidate.defaultId === modelId);
if (!preset) throw new Error(`Unknown model ${modelId}`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const modelDir = await ensureModel(projectRoot, modelId, log);
await serveModelFrom(dist, modelId, modelDir, preset.text.maxPositionEmbeddings);
const server = await startStaticServer({ root: dist, port: 0 });
const browser = await launch(false);
try {
  const page = await browser.newPage();
  // tsx keeps function names with an `__name` helper that functions sent to the page would call.
  await page.addInitScript('window.__name = (fn) => fn;');
  await page.addInitScript(() => localStorage.setItem('vlm-chat.settings.v1', JSON.stringify({ maxNewTokens: 8, detail: 'low', backend: 'wasm' })));
  await page.goto(`${server.url}/?model=${modelId}`);
  log(`loading ${modelId} on WASM…`);
  await page.locator('.app[data-runtime="ready"]').waitFor({ timeout: 600_000 });

  const clip = await makeVideo(page, { times: evenTimes(seconds, 30), lastFrameSeconds: 1 / 30, width: 640, height: 360 });
  log(`clip: ${seconds} s at 30 fps, 640x360 VP8 WebM, ${(clip.length / 1024).toFixed(0)} KB`);
  const sampleMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = Date.now();
    await page.evaluate(
      ({ base64 }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'bench.webm', { type: 'video/webm' }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { base64: clip.toString('base64') },
    );
    await page.locator('[aria-label="Sampled frames"] li img').nth(seconds - 1).waitFor({ timeout: 120_000 });
    sampleMs.push(Date.now() - started);
    if (run < runs - 1) await page.getByRole('button', { name: 'Remove bench.webm' }).click();
  }

  const answers = [];
  for (let run = 0; run < runs; run++) {
    answers.push(
      await page.evaluate(async (durationSeconds) => {
        const items = [...document.querySelectorAll<HTMLLIElement>('[aria-label="Sampled frames"] li')];
        const images = await Promise.all(items.map(async (item, i) => ({ id: `bench-frame-${Date.now()}-${i}`, blob: await (await fetch(item.querySelector('img')!.src)).blob() })));
        const timestamps = items.map((item) => Number(item.dataset.time));
        window.vlm.reset();
        const result = await window.vlm.generate(
          [{ role: 'user', text: 'What happens in this video?', images, video: { durationSeconds, timestamps } }],
          { maxNewTokens: 8, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' },
          () => undefined,
        );
        return result.timings;
      }, seconds),
    );
  }
  const frames = answers[0]!.imagesEncoded;
  const row = {
    model: modelId,
    frames,
    imageTokens: answers[0]!.imageTokens,
    promptTokens: answers[0]!.promptTokens,
    sampleAndDecodeMs: median(sampleMs),
    visionEncodePerFrameMs: median(answers.map((t) => t.visionEncodeMs / Math.max(1, t.imagesEncoded))),
    imagePreprocessPerFrameMs: median(answers.map((t) => t.imagePreprocessMs / Math.max(1, t.imagesEncoded))),
    prefillMs: median(answers.map((t) => t.prefillMs)),
    timeToFirstTokenMs: median(answers.map((t) => t.timeToFirstTokenMs)),
  };
  console.log(
    `\n| model | frames | image tokens | prompt tokens | sample + decode (drop → strip) | vision encode / frame | preprocess / frame | prefill | TTFT |\n|---|---|---|---|---|---|---|---|---|\n` +
      `| ${row.model} (WASM) | ${row.frames} | ${row.imageTokens} | ${row.promptTokens} | ${row.sampleAndDecodeMs} ms | ${row.visionEncodePerFrameMs.toFixed(0)} ms | ${row.imagePreprocessPerFrameMs.toFixed(0)} ms | ${row.prefillMs.toFixed(0)} ms | ${row.timeToFirstTokenMs.toFixed(0)} ms |\n` +
      `(medians of ${runs} runs)`,
  );
} finally {
  await browser.close();
  await server.close();
}
