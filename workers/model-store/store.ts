/**
 * The verified model store: transformers.js' custom cache (`match`/`put`/`delete`) plus the
 * `fetch` it downloads with. A model file reaches Cache Storage only after it was downloaded
 * completely and passed verification (download.ts); each file is fetched under a Web Lock, so a
 * second tab waits and then reads the stored copy. Without Cache Storage (private windows,
 * iframes without storage) everything still works, downloaded on every load, and `storage()`
 * says why.
 */
import type { ModelEntry } from '../protocol.ts';
import type { ProgressInfo } from '@huggingface/transformers';
import { ModelDownloadError, StorageQuotaError } from '../errors.ts';
import { formatBytes } from '../format-bytes.ts';
import { MODEL_CACHE_HEADERS, MODEL_CACHE_NAME } from '../models/model-cache.ts';
import { downloadVerified, offlineError, type DownloadDeps, type VerifiedFile } from './download.ts';
import type { FileLocks } from './locks.ts';
import { normalizeSha256, storedEntryProblem, type ExpectedFile } from './verify.ts';

/** The model being loaded: which URLs are its files and what each must be. */
export interface LoadContext {
  entry: ModelEntry;
  /** The URL transformers.js puts in front of each file path (ends with `/`). */
  baseUrl: string;
  /** The model name transformers.js reports in progress events. */
  progressName: string;
  onProgress?: (info: ProgressInfo) => void;
}

export interface StoreDeps extends DownloadDeps {
  /** `self.caches`, absent in some contexts. */
  caches: CacheStorage | undefined;
  locks: FileLocks;
  /** `navigator.storage.estimate`, for the numbers in a quota error. */
  estimate?: () => Promise<StorageEstimate>;
}

/** One model load's hold on the store (see `VerifiedModelStore.begin`). */
export interface StoreLoad {
  /**
   * Waits for the files of this load still being written to Cache Storage; the quota error of
   * the first one the browser refused, or null. Call it once the sessions are created.
   */
  settled(): Promise<StorageQuotaError | null>;
  /** Ends the load: files fetched afterwards are not verified or reported for it. */
  end(): void;
}

/** Whether downloaded models are kept. */
export type StorageState = { kind: 'cached' } | { kind: 'uncached'; reason: string };

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function isQuotaError(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'QuotaExceededError';
}

export class VerifiedModelStore {
  private opening: Promise<Cache | null> | null = null;
  private uncachedReason: string | null = null;
  private context: LoadContext | null = null;
  /** The current load's writes to Cache Storage, each resolving to its quota error or null. */
  private saves: Promise<StorageQuotaError | null>[] = [];
  /** Files this store has verified and handed over and is still writing to Cache Storage, by URL. */
  private readonly writing = new Map<string, VerifiedFile>();

  constructor(private readonly deps: StoreDeps) {}

  /** Makes `context` the model whose files are verified, reported and stored. */
  begin(context: LoadContext): StoreLoad {
    this.context = context;
    const saves: Promise<StorageQuotaError | null>[] = [];
    this.saves = saves;
    return {
      settled: async () => {
        // Read the length each time round: a file fetched meanwhile adds its write.
        for (let i = 0; i < saves.length; i++) {
          const refused = await saves[i];
          if (refused) return refused;
        }
        return null;
      },
      end: () => {
        if (this.context !== context) return;
        this.context = null;
        this.saves = [];
      },
    };
  }

  /** Whether files are being kept, and if not, why. */
  async storage(): Promise<StorageState> {
    const cache = await this.open();
    return cache ? { kind: 'cached' } : { kind: 'uncached', reason: this.uncachedReason ?? 'storage is unavailable' };
  }

  private open(): Promise<Cache | null> {
    this.opening ??= (async () => {
      if (!this.deps.caches) {
        this.uncachedReason = 'this browser context has no Cache Storage, so models are downloaded on every visit';
        return null;
      }
      try {
        return await this.deps.caches.open(MODEL_CACHE_NAME);
      } catch (error) {
        // Private windows and iframes without storage access refuse Cache Storage with a SecurityError.
        this.uncachedReason = `the browser refuses storage here (${(error as Error).message}), as in private windows and iframes without storage access, so models are downloaded on every visit`;
        console.warn(`Model files will not be cached: ${this.uncachedReason}`);
        return null;
      }
    })();
    return this.opening;
  }

  /** What a URL of the model being loaded must be; null for anything else. */
  expectedFor(url: string): ExpectedFile | null {
    const context = this.context;
    if (!context || !url.startsWith(context.baseUrl)) return null;
    const path = decodeURIComponent(url.slice(context.baseUrl.length).split(/[?#]/)[0]!);
    const { entry } = context;
    const listed = entry.files.find((file) => file.path === path);
    const sha256 = normalizeSha256(listed?.sha256);
    return {
      url,
      path,
      modelId: entry.id,
      modelName: entry.name,
      ...(listed && !entry.sizesAreEstimates ? { size: listed.size } : {}),
      ...(sha256 ? { sha256, digestSource: entry.source.kind === 'origin' ? ('origin index' as const) : ('registry' as const) } : {}),
    };
  }

  /** A stored entry, if it is still the file we expect; a stale or foreign entry is evicted. */
  private async readStored(cache: Cache, url: string, expected: ExpectedFile | null): Promise<Response | undefined> {
    const stored = await cache.match(url);
    if (!stored || stored.headers.has(MODEL_CACHE_HEADERS.missing)) return undefined;
    const size = Number(stored.headers.get('content-length') ?? Number.NaN);
    const problem = storedEntryProblem(
      { sha256: stored.headers.get(MODEL_CACHE_HEADERS.sha256) ?? undefined, ...(Number.isFinite(size) ? { size } : {}) },
      expected ?? {},
    );
    if (!problem) return stored;
    await stored.body?.cancel().catch(() => undefined);
    await cache.delete(url);
    return undefined;
  }

  /** transformers.js: the stored file, or undefined. Waits while another tab downloads it. */
  match = async (request: string): Promise<Response | undefined> => {
    if (!/^https?:\/\//.test(request)) return undefined; // transformers.js also tries bare local paths
    // transformers.js asks again right after reading a file it fetched (to decide whether to store
    // it). For a file this store is still writing, waiting for the lock would put the whole write
    // back in front of creating its session (docs/performance.md, issue 12 session 9).
    const written = this.writing.get(request);
    if (written) return responseFor(written);
    const cache = await this.open();
    if (!cache) return undefined;
    return this.deps.locks.run(request, 'shared', () => this.readStored(cache, request, this.expectedFor(request)));
  };

  /**
   * transformers.js stores what it fetched. Our `fetch` has already stored every verified file,
   * so this only runs for responses that did not pass through it, and stores nothing unverified.
   */
  put = async (_request: string, response: Response): Promise<void> => {
    await response.body?.cancel().catch(() => undefined);
  };

  /** transformers.js' cache clearing. */
  delete = async (request: string): Promise<boolean> => {
    const cache = await this.open();
    return cache ? cache.delete(request) : false;
  };

  /** transformers.js' `env.fetch`: model files of the loading model go through verification. */
  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    const expected = this.expectedFor(url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (!expected || method !== 'GET') return this.deps.fetch(url, init);
    // transformers.js probes a file's size with `Range: bytes=0-0` before downloading.
    if (new Headers(init?.headers).has('range')) return this.probe(expected, init);
    // The verified file is handed over as soon as it is verified, while it is written to Cache
    // Storage: transformers.js creates the session meanwhile (CPU) instead of waiting for the
    // write (I/O in the browser process; seconds for a decoder: docs/performance.md). The lock is
    // held until the write is done, so another tab still waits and then reads the stored copy.
    return new Promise<Response>((resolve, reject) => {
      this.deps.locks
        .run(url, 'exclusive', async () => {
          const { response, saved, file } = await this.fetchFile(expected);
          if (saved && file) this.writing.set(url, file);
          resolve(response);
          try {
            await saved;
          } finally {
            this.writing.delete(url);
          }
        })
        .catch(reject);
    });
  };

  private async probe(expected: ExpectedFile, init?: RequestInit): Promise<Response> {
    const cache = await this.open();
    if (!this.deps.isOnline() && cache && (await this.knownMissing(cache, expected.url))) return notFound();
    try {
      return await this.deps.fetch(expected.url, init);
    } catch {
      // No server reached: offline, whatever navigator.onLine says (download.ts).
      if (cache && (await this.knownMissing(cache, expected.url))) return notFound();
      throw offlineError(expected);
    }
  }

  private async knownMissing(cache: Cache, url: string): Promise<boolean> {
    return Boolean((await cache.match(url))?.headers.has(MODEL_CACHE_HEADERS.missing));
  }

  /** The file (verified, or the server's error status) and its write to Cache Storage, if any. */
  private async fetchFile(expected: ExpectedFile): Promise<{ response: Response; saved?: Promise<unknown>; file?: VerifiedFile }> {
    const cache = await this.open();
    let room = true;
    if (cache) {
      // Another tab may have stored it while we waited for the lock.
      const stored = await this.readStored(cache, expected.url, expected);
      if (stored) return { response: stored };
      if (!this.deps.isOnline() && (await this.knownMissing(cache, expected.url))) return { response: notFound() };
      if (expected.size !== undefined) room = await this.ensureRoom(expected, expected.size);
    }
    const result = await downloadVerified(
      expected,
      this.deps,
      (loaded, total) => this.report(expected, loaded, total),
      async () => {
        await cache?.delete(expected.url);
      },
    ).catch(async (error: unknown) => {
      // Offline though navigator.onLine said otherwise: a file known to be absent is still absent.
      if (error instanceof ModelDownloadError && error.facts.offline && cache && (await this.knownMissing(cache, expected.url))) return null;
      throw error;
    });
    if (!result) return { response: notFound() };
    if (result.kind === 'status') {
      // Remember a missing optional file, so an offline load knows it is absent rather than unreachable.
      if (cache && result.response.status === 404) {
        await cache.put(expected.url, missingMarker(expected)).catch(() => undefined);
      }
      return { response: result.response };
    }
    // The verified bytes are still in memory: hand them over rather than reading them back from
    // Cache Storage (a second pass over the file on a cold load).
    if (!cache || !room) return { response: responseFor(result) };
    const saved = this.save(cache, expected, result);
    this.saves.push(saved);
    return { response: responseFor(result), saved, file: result };
  }

  private report(expected: ExpectedFile, loaded: number, total: number): void {
    const context = this.context;
    if (!context?.onProgress || context.entry.id !== expected.modelId) return;
    context.onProgress({ status: 'progress', name: context.progressName, file: expected.path, progress: total ? (loaded / total) * 100 : 0, loaded, total });
  }

  /** Writes the verified file to Cache Storage; the quota error when the browser refused it (never rejects). */
  private async save(cache: Cache, expected: ExpectedFile, file: VerifiedFile): Promise<StorageQuotaError | null> {
    const headers = new Headers({
      'content-type': file.contentType,
      'content-length': String(file.bytes),
      [MODEL_CACHE_HEADERS.sha256]: file.sha256,
      [MODEL_CACHE_HEADERS.modelId]: expected.modelId,
      [MODEL_CACHE_HEADERS.modelName]: encodeURIComponent(expected.modelName),
      [MODEL_CACHE_HEADERS.file]: encodeURIComponent(expected.path),
      [MODEL_CACHE_HEADERS.storedAt]: new Date().toISOString(),
    });
    try {
      // Cache.put commits the whole entry or nothing, so a failure never leaves half a file. The
      // body is a Blob: Chromium then copies the bytes once and writes them from the browser
      // process. Given the array itself, put() held this worker's thread for 1.4 s per 135 MB
      // before returning, and a stream body needs the thread to pump it, which the sessions being
      // created hold (docs/performance.md, issue 12 session 11).
      await cache.put(expected.url, new Response(new Blob([file.data]), { status: 200, headers }));
      return null;
    } catch (error) {
      if (isQuotaError(error) && !this.shipsWithApp(expected)) return this.quotaError(expected, file.bytes);
      console.warn(`Could not store ${expected.path} (${(error as Error).message}); using it without storing.`);
      return null;
    }
  }

  /**
   * Whether the file belongs to the model built into the app. It comes from this site (in the
   * installed app from the service worker's precache, offline too), so the store's copy only saves
   * a small fetch: a full quota must not stop the model the page offers when another cannot load.
   */
  private shipsWithApp(expected: ExpectedFile): boolean {
    return this.context?.entry.id === expected.modelId && this.context.entry.builtIn === true;
  }

  /**
   * Fails before downloading when the browser's quota clearly cannot hold the file; false (use it
   * without storing) when the file ships with the app.
   */
  private async ensureRoom(expected: ExpectedFile, bytes: number): Promise<boolean> {
    const estimate = await this.deps.estimate?.().catch(() => undefined);
    if (!estimate?.quota || bytes <= estimate.quota - (estimate.usage ?? 0)) return true;
    if (this.shipsWithApp(expected)) return false;
    throw await this.quotaError(expected, bytes, estimate);
  }

  private async quotaError(expected: ExpectedFile, bytes: number, known?: StorageEstimate): Promise<StorageQuotaError> {
    const estimate = known ?? (await this.deps.estimate?.().catch(() => undefined));
    const usage = estimate?.usage ?? 0;
    const free = estimate?.quota ? estimate.quota - usage : undefined;
    const numbers =
      free === undefined
        ? `${formatBytes(bytes)} is needed and the browser refused to store it`
        : free < bytes
          ? `${formatBytes(bytes)} is needed and this browser grants ${formatBytes(Math.max(0, free))} more to this site (${formatBytes(usage)} used of ${formatBytes(estimate!.quota!)})`
          : // The estimate is approximate (and ignores a full disk): report what it says and what happened.
            `${formatBytes(bytes)} is needed but the browser refused to store it, although it reports ${formatBytes(usage)} used of ${formatBytes(estimate!.quota!)} for this site; the disk may be full`;
    return new StorageQuotaError(
      `Not enough storage to save ${expected.modelName}: for ${expected.path}, ${numbers}. ` +
        'Delete other models under "Models & storage" or free disk space, then load the model again. Your chats are kept.',
      { modelId: expected.modelId, file: expected.path, bytesNeeded: bytes, bytesFree: free === undefined ? null : Math.max(0, free) },
    );
  }
}

/**
 * The verified bytes as a response, read straight from memory. Not `new Response(bytes)`, which
 * copies them, nor a Blob, which Chromium moves to the browser process and back (0.3-0.8 s for a
 * decoder here); the stream hands the array over as it is, and transformers.js copies it once.
 */
function responseFor(file: VerifiedFile): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(file.data);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': file.contentType, 'content-length': String(file.bytes) } });
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
}

function missingMarker(expected: ExpectedFile): Response {
  return new Response(null, {
    status: 404,
    headers: {
      [MODEL_CACHE_HEADERS.missing]: '1',
      [MODEL_CACHE_HEADERS.modelId]: expected.modelId,
      [MODEL_CACHE_HEADERS.file]: encodeURIComponent(expected.path),
    },
  });
}
