/**
 * Downloads a SmolVLM-format model from the Hugging Face Hub (or a mirror in the Hub's URL layout)
 * into public/models/<id>/ so the app loads it from its own origin: exactly the files the app
 * requests (configs, tokenizer, and the ONNX files of the chosen dtypes), each verified against
 * its size and sha256 (the curated registry's, else the Hub's `x-linked-etag`) before it is moved
 * into place, then listed with its digest in public/models/index.json.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chooseDtypes } from '../../workers/models/dtype-policy.ts';
import { formatBytes } from '../../workers/format-bytes.ts';
import { ALL_DTYPES, availableDtypes, CONFIG_FILES, CURATED_MODELS, onnxFilePath, SESSION_NAMES } from '../../workers/models/registry.ts';
import type { Dtype, DtypeMap, ModelFile } from '../../workers/protocol.ts';
import { digestFromLinkedEtag, normalizeSha256 } from '../../workers/model-store/verify.ts';
import { updateModelIndex, type ModelIndexEntry } from '../test-model/model-index.ts';

export const HUB_HOST = 'https://huggingface.co';

export interface FetchModelOptions {
  /** Hub repository, e.g. `HuggingFaceTB/SmolVLM-256M-Instruct`. */
  repo: string;
  /** Dtypes to fetch (each for every session); default: what the app picks on WASM and on WebGPU. */
  dtypes?: Dtype[];
  host?: string;
  revision?: string;
  /** Folder name and model id in the app; default: the repository name. */
  id?: string;
  /** Parent folder; default: public/models of this project. */
  modelsDir?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface FetchModelResult {
  id: string;
  dir: string;
  files: (ModelFile & { sha256: string; downloaded: boolean })[];
}

/** A file that did not verify: nothing of it is left in the model folder. */
export class FetchModelError extends Error {
  override name = 'FetchModelError';
}

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** The dtype maps the app would choose on WASM and on WebGPU with and without shader-f16. */
export function defaultDtypeMaps(available: Record<(typeof SESSION_NAMES)[number], Dtype[]>): DtypeMap[] {
  const maps: DtypeMap[] = [];
  for (const [device, shaderF16] of [['wasm', false], ['webgpu', true], ['webgpu', false]] as const) {
    try {
      maps.push(chooseDtypes(available, device, shaderF16));
    } catch {
      // This model publishes nothing that device runs; skip it.
    }
  }
  return maps;
}

/** The files the app requests for these dtype maps (registry.filesForDtypes, without needing sizes). */
export function filesToFetch(maps: DtypeMap[]): string[] {
  const onnx = new Set(maps.flatMap((map) => SESSION_NAMES.map((session) => onnxFilePath(session, map[session]))));
  return [...CONFIG_FILES, ...[...onnx].sort()];
}

interface Announced {
  status: number;
  size?: number;
  sha256?: string;
  contentType: string;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * GETs a file. Unlike a browser, Node sees the Hub's redirect for LFS files, which is where
 * `x-linked-etag` (the sha256) and `x-linked-size` are; the redirect is then followed by hand.
 */
async function request(url: string, fetchImpl: typeof fetch, headers: Record<string, string> = {}): Promise<Announced> {
  let linked: { sha256?: string; size?: number } = {};
  let current = url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetchImpl(current, { redirect: 'manual', headers });
    const sha256 = digestFromLinkedEtag(response.headers.get('x-linked-etag'));
    const linkedSize = Number(response.headers.get('x-linked-size') ?? Number.NaN);
    linked = { ...linked, ...(sha256 ? { sha256 } : {}), ...(Number.isFinite(linkedSize) ? { size: linkedSize } : {}) };
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      await response.body?.cancel();
      current = new URL(response.headers.get('location')!, current).href;
      continue;
    }
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    return {
      status: response.status,
      ...(linked.sha256 ? { sha256: linked.sha256 } : {}),
      ...(linked.size !== undefined ? { size: linked.size } : !encoded && Number.isFinite(length) ? { size: length } : {}),
      contentType: response.headers.get('content-type') ?? '',
      body: response.body,
    };
  }
  throw new FetchModelError(`Too many redirects for ${url}.`);
}

/** The sha256 a server announces for a file without downloading it (the Hub's LFS redirect). */
async function announcedSha256(url: string, fetchImpl: typeof fetch): Promise<string | undefined> {
  const response = await fetchImpl(url, { redirect: 'manual', headers: { Range: 'bytes=0-0' } });
  await response.body?.cancel();
  return digestFromLinkedEtag(response.headers.get('x-linked-etag'));
}

async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Downloads one file to `<dest>.part`, verifies it, and only then renames it to `dest`. */
async function downloadFile(url: string, dest: string, known: Partial<ModelFile>, fetchImpl: typeof fetch): Promise<{ size: number; sha256: string }> {
  const part = `${dest}.part`;
  await mkdir(path.dirname(dest), { recursive: true });
  try {
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const announced = await request(url, fetchImpl);
        if (announced.status !== 200 || !announced.body) {
          await announced.body?.cancel();
          throw new FetchModelError(`${url} answered ${announced.status}.`);
        }
        if (/^\s*text\/html/i.test(announced.contentType)) {
          await announced.body.cancel();
          throw new FetchModelError(`${url} answered with an HTML page instead of the file.`);
        }
        const hash = createHash('sha256');
        let size = 0;
        const counted = Readable.fromWeb(announced.body as import('node:stream/web').ReadableStream<Uint8Array>).on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        await pipeline(counted, createWriteStream(part));
        const sha256 = hash.digest('hex');
        const expectedSize = known.size ?? announced.size;
        const expectedSha = normalizeSha256(known.sha256) ?? announced.sha256;
        if (expectedSize !== undefined && size !== expectedSize) throw new FetchModelError(`${url}: received ${size} bytes, expected ${expectedSize}.`);
        if (expectedSha && sha256 !== expectedSha) throw new FetchModelError(`${url}: sha256 ${sha256} does not match the expected ${expectedSha}.`);
        await rename(part, dest);
        return { size, sha256 };
      } catch (error) {
        lastError = error;
        await rm(part, { force: true });
        // A definite answer (404, HTML) will not change on retry; a mismatch is retried once.
        if (error instanceof FetchModelError && (/answered/.test(error.message) || attempt >= 2)) throw error;
      }
    }
    throw lastError;
  } finally {
    await rm(part, { force: true });
  }
}

/** Fetches a model; see the module comment. */
export async function fetchModel(options: FetchModelOptions): Promise<FetchModelResult> {
  const log = options.log ?? (() => undefined);
  const fetchImpl = options.fetch ?? fetch;
  const host = (options.host ?? HUB_HOST).replace(/\/$/, '');
  const revision = options.revision ?? 'main';
  const curated = CURATED_MODELS.find((entry) => entry.source.kind === 'hub' && entry.source.repo === options.repo);
  const id = options.id ?? curated?.id ?? options.repo.split('/').at(-1)!;
  if (!/^[\w.-]+$/.test(id)) throw new FetchModelError(`"${id}" cannot be a model id (letters, digits, ".", "_" and "-" only); pass --id.`);
  const dir = path.resolve(options.modelsDir ?? path.join(projectRoot, 'public/models'), id);
  const known = new Map((curated?.sizesAreEstimates ? [] : (curated?.files ?? [])).map((file) => [file.path, file]));

  // Which ONNX files exist: the registry knows for curated models; otherwise ask the server.
  let available: Record<(typeof SESSION_NAMES)[number], Dtype[]>;
  if (curated) available = availableDtypes(curated);
  else {
    available = { vision_encoder: [], embed_tokens: [], decoder_model_merged: [] };
    for (const session of SESSION_NAMES) {
      for (const dtype of ALL_DTYPES) {
        const probe = await request(`${host}/${options.repo}/resolve/${revision}/${onnxFilePath(session, dtype)}`, fetchImpl, { Range: 'bytes=0-0' });
        await probe.body?.cancel();
        if (probe.status === 200 || probe.status === 206) available[session].push(dtype);
      }
    }
  }
  const maps = options.dtypes?.length
    ? options.dtypes.map((dtype) => {
        const missing = SESSION_NAMES.filter((session) => !available[session].includes(dtype));
        if (missing.length) throw new FetchModelError(`${options.repo} does not publish ${missing.join(', ')} as ${dtype}.`);
        return Object.fromEntries(SESSION_NAMES.map((session) => [session, dtype])) as DtypeMap;
      })
    : defaultDtypeMaps(available);
  if (maps.length === 0) throw new FetchModelError(`${options.repo} publishes no ONNX set the app can run.`);
  const paths = filesToFetch(maps);
  const knownTotal = paths.reduce((sum, file) => sum + (known.get(file)?.size ?? 0), 0);
  log(`Fetching ${paths.length} files of ${options.repo}${knownTotal ? ` (${formatBytes(knownTotal)})` : ''} into ${path.relative(process.cwd(), dir) || dir}/`);

  const files: FetchModelResult['files'] = [];
  for (const file of paths) {
    const dest = path.join(dir, file);
    const expected = known.get(file);
    const url = `${host}/${options.repo}/resolve/${encodeURIComponent(revision)}/${file}`;
    // A file already in place whose digest matches the known or announced one is kept.
    if (existsSync(dest)) {
      const digest = normalizeSha256(expected?.sha256) ?? (await announcedSha256(url, fetchImpl));
      const local = await stat(dest);
      if (digest && (expected === undefined || local.size === expected.size) && (await sha256OfFile(dest)) === digest) {
        files.push({ path: file, size: local.size, sha256: digest, downloaded: false });
        log(`  ${file}: already here, verified`);
        continue;
      }
    }
    const { size, sha256 } = await downloadFile(url, dest, expected ?? {}, fetchImpl);
    files.push({ path: file, size, sha256, downloaded: true });
    log(`  ${file}: ${formatBytes(size)}, sha256 ${sha256.slice(0, 12)}…`);
  }

  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { text_config?: { max_position_embeddings?: number } };
  const entry: ModelIndexEntry = {
    id,
    name: curated?.name ?? id,
    family: 'smolvlm',
    contextLength: curated?.contextLength ?? config.text_config?.max_position_embeddings ?? 2048,
    files: files.map(({ path: file, size, sha256 }) => ({ path: file, size, sha256 })),
  };
  await updateModelIndex(path.join(path.dirname(dir), 'index.json'), entry);
  log(`Listed ${id} in ${path.join(path.dirname(dir), 'index.json')}: ${formatBytes(files.reduce((sum, file) => sum + file.size, 0))} in ${files.length} files.`);
  return { id, dir, files };
}
