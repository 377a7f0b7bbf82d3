/**
 * Self-hosting: `fetch-model` copies a model from a server in the Hub's layout into the site's
 * models folder; the app then lists it, loads it from its own origin (the fixtures fail the test
 * on any request elsewhere) and stores it with the digests fetch-model wrote.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeHub } from '../scripts/fetch-model/fake-hub.ts';
import { fetchModel } from '../scripts/fetch-model/fetch-model.ts';
import { generateTestModel } from '../scripts/test-model/generate.ts';
import { expect, test } from './fixtures.ts';
import { ask, DIST, openControlled, storedModelFiles } from './pwa-helpers.ts';
import { startPwaServer } from './pwa-server.ts';

test('a model fetched with fetch-model loads from the app’s own origin, verified', async ({ page }) => {
  const site = mkdtempSync(path.join(os.tmpdir(), 'vlm-self-hosted-'));
  const hubFolder = mkdtempSync(path.join(os.tmpdir(), 'vlm-fake-hub-'));
  try {
    cpSync(DIST, site, { recursive: true });
    const repo = 'example-org/SmolVLM-selfhosted';
    await generateTestModel({ preset: 'tiny', seed: 7, outDir: path.join(hubFolder, repo), dtypes: ['q8'], projectRoot: hubFolder });
    const hub = await startFakeHub(repo, path.join(hubFolder, repo));
    const fetched = await fetchModel({ repo, dtypes: ['q8'], host: hub.url, modelsDir: path.join(site, 'models') }).finally(() => hub.close());

    const server = await startPwaServer(site);
    try {
      await openControlled(page, server.url);
      const models = await page.evaluate(() => window.vlm.listModels());
      expect(models.find((model) => model.id === fetched.id)?.source).toEqual({ kind: 'origin', baseUrl: `/models/${fetched.id}/` });
      const result = await page.evaluate((id) => window.vlm.load(id, { device: 'wasm' }, () => undefined), fetched.id);
      expect(result.dtype).toEqual({ vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' });
      expect((await ask(page)).text.length).toBeGreaterThan(0);
      const stored = await storedModelFiles(page);
      for (const file of fetched.files) {
        const entry = stored.find((candidate) => candidate.url.endsWith(`/models/${fetched.id}/${file.path}`));
        expect(entry?.sha256, file.path).toBe(file.sha256);
      }
    } finally {
      await server.close();
    }
  } finally {
    rmSync(site, { recursive: true, force: true });
    rmSync(hubFolder, { recursive: true, force: true });
  }
});
