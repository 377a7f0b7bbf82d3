/**
 * `fetch-model` against a local server in the Hub's URL layout serving a generated SmolVLM-format
 * model (the Hub itself is unreachable here).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestModel } from '../test-model/generate.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { fetchModel, FetchModelError } from './fetch-model.ts';

const REPO = 'test-org/SmolVLM-mirror-test';
let root: string;
let hub: FakeHub;
let source: string;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fetch-model-'));
  source = path.join(root, 'hub', REPO);
  await generateTestModel({ preset: 'tiny', outDir: source, dtypes: ['fp32', 'q8'], projectRoot: root });
  hub = await startFakeHub(REPO, source);
});

afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

describe('fetch-model', () => {
  const modelsDir = () => path.join(root, 'public', 'models');

  it('downloads exactly the files the app requests for a dtype, verified, and lists them with digests', async () => {
    const result = await fetchModel({ repo: REPO, dtypes: ['q8'], host: hub.url, modelsDir: modelsDir() });
    expect(result.id).toBe('SmolVLM-mirror-test');
    const expected = [
      'config.json',
      'generation_config.json',
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/embed_tokens_quantized.onnx',
      'onnx/vision_encoder_quantized.onnx',
      'preprocessor_config.json',
      'processor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ];
    expect(listFiles(result.dir)).toEqual(expected);
    for (const file of expected) expect(sha256(path.join(result.dir, file)), file).toBe(sha256(path.join(source, file)));
    // Only those files were downloaded (plus the existence probes of the ONNX variants).
    const downloads = hub.requests.filter((request) => !request.includes('range=') && request.includes('/resolve/'));
    expect(downloads.map((request) => request.split('/resolve/main/')[1]).sort()).toEqual(expected);

    const index = JSON.parse(readFileSync(path.join(modelsDir(), 'index.json'), 'utf8')) as { models: { id: string; contextLength: number; files: { path: string; size: number; sha256: string }[] }[] };
    const entry = index.models.find((model) => model.id === 'SmolVLM-mirror-test')!;
    expect(entry.contextLength).toBe(2048);
    expect(entry.files.map((file) => file.path).sort()).toEqual(expected);
    for (const file of entry.files) expect(file.sha256).toBe(sha256(path.join(source, file.path)));
  });

  it('keeps files already in place and verified instead of downloading them again', async () => {
    const before = hub.requests.length;
    const result = await fetchModel({ repo: REPO, dtypes: ['q8'], host: hub.url, modelsDir: modelsDir() });
    const cdnDownloads = hub.requests.slice(before).filter((request) => request.startsWith('/cdn/') && !request.includes('range='));
    expect(cdnDownloads).toEqual([]);
    expect(result.files.filter((file) => file.path.endsWith('.onnx')).every((file) => !file.downloaded)).toBe(true);
  });

  it('fails on a digest mismatch, naming the file, and leaves nothing of it behind', async () => {
    hub.corrupt.add('onnx/vision_encoder.onnx');
    try {
      const error = await fetchModel({ repo: REPO, dtypes: ['fp32'], host: hub.url, modelsDir: modelsDir() }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FetchModelError);
      expect((error as Error).message).toMatch(/onnx\/vision_encoder\.onnx: sha256 [0-9a-f]{64} does not match the expected/);
      const dir = path.join(modelsDir(), 'SmolVLM-mirror-test');
      expect(existsSync(path.join(dir, 'onnx/vision_encoder.onnx'))).toBe(false);
      expect(listFiles(dir).filter((file) => file.endsWith('.part'))).toEqual([]);
      // The index still describes the q8 set that is complete.
      const index = JSON.parse(readFileSync(path.join(modelsDir(), 'index.json'), 'utf8')) as { models: { files: { path: string }[] }[] };
      expect(index.models[0]!.files.some((file) => file.path === 'onnx/vision_encoder.onnx')).toBe(false);
    } finally {
      hub.corrupt.clear();
    }
  });

  it('by default fetches what the app picks on WASM and WebGPU among the published files', async () => {
    const result = await fetchModel({ repo: REPO, host: hub.url, modelsDir: path.join(root, 'defaults') });
    // Published: fp32 and q8. WASM picks q8; WebGPU runs fp32.
    expect(result.files.map((file) => file.path).filter((file) => file.endsWith('.onnx')).sort()).toEqual([
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/embed_tokens.onnx',
      'onnx/embed_tokens_quantized.onnx',
      'onnx/vision_encoder.onnx',
      'onnx/vision_encoder_quantized.onnx',
    ]);
  });

  it('refuses a dtype the repository does not publish', async () => {
    await expect(fetchModel({ repo: REPO, dtypes: ['q4f16'], host: hub.url, modelsDir: modelsDir() })).rejects.toThrow(/does not publish vision_encoder, embed_tokens, decoder_model_merged as q4f16/);
  });
});
