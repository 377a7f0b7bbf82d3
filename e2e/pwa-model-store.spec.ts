/**
 * The verified model store under faults injected into one model file, with `page.route` and at
 * the server's socket (a connection dropped mid-body, a download held open): whatever goes wrong,
 * nothing corrupt is stored, the error names the file, and the files already complete are not
 * downloaded again on the next load.
 */
import type { Page } from '@playwright/test';
import { expect, test, TEST_MODEL_ID } from './fixtures.ts';
import { ask, DIST, loadTestModel, openControlled, routeFault, storedModelFiles, testModelFiles, testModelPath } from './pwa-helpers.ts';
import { startPwaServer, type Fault, type PwaServer } from './pwa-server.ts';

let server: PwaServer;
test.beforeEach(async () => {
  server = await startPwaServer(DIST);
});
test.afterEach(async () => {
  await server.close();
});

/** The files a load requests (the index lists two more that transformers.js never asks for). */
const REQUESTED = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/vision_encoder.onnx',
  'onnx/embed_tokens.onnx',
  'onnx/decoder_model_merged.onnx',
];

/** Every stored file is whole and has the digest of the origin's index; returns the stored paths. */
async function expectOnlyVerifiedFiles(page: Page): Promise<string[]> {
  const expected = testModelFiles();
  const stored = (await storedModelFiles(page)).filter((entry) => entry.status === 200);
  return stored.map((entry) => {
    const relative = entry.url.split(`/${TEST_MODEL_ID}/`)[1]!;
    const file = expected.find((candidate) => candidate.path === relative);
    expect(file, `${relative} is a file of the model`).toBeDefined();
    expect({ file: relative, bytes: entry.bytes, sha256: entry.sha256 }).toEqual({ file: relative, bytes: file!.size, sha256: file!.sha256 });
    return relative;
  });
}

const integrityFaults: { fault: Exclude<Fault, 'drop-mid-body' | 'stall' | 'status-500'>; file: string; problem: RegExp }[] = [
  { fault: 'truncate', file: 'onnx/decoder_model_merged.onnx', problem: /announces \d+ bytes, expected 473990|received \d+ bytes, expected 473990/ },
  { fault: 'html', file: 'onnx/embed_tokens.onnx', problem: /HTML page/ },
  { fault: 'flip-byte', file: 'onnx/vision_encoder.onnx', problem: /sha256 .* does not match/ },
];

for (const via of ['page.route', 'server'] as const) {
  for (const { fault, file, problem } of integrityFaults) {
    test(`${fault} (${via}): ${file} is rejected twice and named; nothing corrupt is stored; the rest is not fetched again`, async ({ page }) => {
      await openControlled(page, server.url);
      if (via === 'server') server.inject({ path: testModelPath(file), fault });
      else await routeFault(page, testModelPath(file), fault);
      const failed = await loadTestModel(page);
      expect(failed).toMatchObject({ ok: false, name: 'ModelFileIntegrityError' });
      if (!failed.ok) {
        expect(failed.message).toContain(file);
        expect(failed.message).toMatch(problem);
      }
      // The file was fetched exactly twice (first try + one retry), and never stored.
      expect(server.fullGets(testModelPath(file))).toBe(2);
      const others = REQUESTED.filter((name) => name !== file);
      // Files loading in parallel finish in the background: wait for them before reloading.
      await expect.poll(async () => (await expectOnlyVerifiedFiles(page)).sort()).toEqual(others.sort());

      // The server is fixed; a new page (and worker) loads again: only the bad file is downloaded.
      server.clearFaults();
      await page.unrouteAll();
      await page.reload();
      const loaded = await loadTestModel(page);
      expect(loaded).toMatchObject({ ok: true });
      expect((await ask(page)).text.length).toBeGreaterThan(0);
      for (const name of others) expect(server.fullGets(testModelPath(name)), name).toBe(1);
      expect(server.fullGets(testModelPath(file))).toBe(3);
      expect((await expectOnlyVerifiedFiles(page)).sort()).toEqual([...REQUESTED].sort());
    });
  }
}

test('a 500 (page.route) is retried and the file then stored', async ({ page }) => {
  await openControlled(page, server.url);
  await routeFault(page, testModelPath('tokenizer.json'), 'status-500', 1);
  expect(await loadTestModel(page)).toMatchObject({ ok: true });
  expect(server.fullGets(testModelPath('tokenizer.json'))).toBe(2);
  expect((await expectOnlyVerifiedFiles(page)).sort()).toEqual([...REQUESTED].sort());
});

test('a connection dropped mid-file resumes with a Range request for that file only', async ({ page }) => {
  await openControlled(page, server.url);
  const decoder = testModelPath('onnx/decoder_model_merged.onnx');
  server.inject({ path: decoder, fault: 'drop-mid-body', times: 1 });
  expect(await loadTestModel(page)).toMatchObject({ ok: true });
  expect(server.fullGets(decoder)).toBe(1);
  const resumes = server.rangeGets(decoder).filter((request) => request.range !== 'bytes=0-0');
  expect(resumes).toHaveLength(1);
  expect(resumes[0]!.range).toMatch(/^bytes=[1-9]\d*-$/);
  for (const name of REQUESTED) expect(server.fullGets(testModelPath(name)), name).toBe(1);
  expect((await expectOnlyVerifiedFiles(page)).sort()).toEqual([...REQUESTED].sort());
  expect((await ask(page)).text.length).toBeGreaterThan(0);
});

test('two pages loading at once fetch each file once (Web Locks), and both answer', async ({ page, context }) => {
  const second = await context.newPage();
  await openControlled(page, server.url);
  await openControlled(second, server.url);
  // Hold the decoder's download open until the second page waits for the same file.
  const decoder = testModelPath('onnx/decoder_model_merged.onnx');
  server.inject({ path: decoder, fault: 'stall', times: 1 });
  const loads = Promise.all([loadTestModel(page), loadTestModel(second)]);
  await expect
    .poll(async () =>
      page.evaluate(async (name) => {
        const state = await navigator.locks.query();
        return { held: state.held?.filter((lock) => lock.name === name).length, pending: state.pending?.filter((lock) => lock.name === name).length };
      }, `model-file:${server.url}${decoder}`),
    )
    .toEqual({ held: 1, pending: 1 });
  server.release();
  const [a, b] = await loads;
  expect(a).toMatchObject({ ok: true });
  expect(b).toMatchObject({ ok: true });
  for (const name of REQUESTED) expect(server.fullGets(testModelPath(name)), name).toBe(1);
  expect((await ask(page)).text).toBe((await ask(second)).text);
  expect((await expectOnlyVerifiedFiles(second)).sort()).toEqual([...REQUESTED].sort());
});
