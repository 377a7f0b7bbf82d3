import type { ModelEntry } from '../protocol.ts';
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ModelDownloadError, ModelFileIntegrityError, StorageQuotaError } from '../errors.ts';
import { MODEL_CACHE_HEADERS } from '../models/model-cache.ts';
import { INTEGRITY_ATTEMPTS } from './download.ts';
import { localLocks } from './locks.ts';
import { VerifiedModelStore, type StoreDeps } from './store.ts';

// --- In-memory stand-ins for Cache Storage and the network ---------------------------------

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const BASE = 'https://models.test/models/tiny/';

function fileBytes(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) % 251);
}

function entryWith(files: { path: string; bytes: Uint8Array; digest?: boolean }[]): ModelEntry {
  return {
    id: 'tiny',
    name: 'Tiny model',
    family: 'smolvlm',
    source: { kind: 'origin', baseUrl: '/models/tiny/' },
    description: '',
    contextLength: 128,
    geometry: { frameSize: 512, tokensPerFrame: 64, defaultLongestEdge: 512 },
    files: files.map((file) => ({ path: file.path, size: file.bytes.length, ...(file.digest === false ? {} : { sha256: sha256Hex(file.bytes) }) })),
    sizesAreEstimates: false,
  };
}

/** A body that delivers `bytes` and then fails, as a dropped connection does. */
function droppingBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      // Erroring in the same call would discard the queued bytes.
      if (sent) controller.error(new TypeError('network error'));
      else controller.enqueue(bytes);
      sent = true;
    },
  });
}

type Handler = (url: string, init?: RequestInit) => Response | Promise<Response>;

/** A fetch that answers each call with the next handler (the last one repeats), and logs calls. */
function scriptedFetch(...handlers: Handler[]) {
  const calls: { url: string; range: string | null }[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    calls.push({ url, range: new Headers(init?.headers).get('range') });
    const handler = handlers[Math.min(calls.length - 1, handlers.length - 1)]!;
    return handler(url, init);
  };
  return { fetch, calls };
}

const ok = (bytes: Uint8Array, headers: Record<string, string> = {}) => () =>
  new Response(bytes.slice(), { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), ...headers } });

/** Cache Storage in memory; `quotaBytes` makes `put` fail like a full disk. */
class MemoryCache {
  readonly entries = new Map<string, { status: number; headers: [string, string][]; body: Uint8Array }>();
  constructor(private readonly quotaBytes = Infinity) {}

  async match(request: RequestInfo | URL): Promise<Response | undefined> {
    const stored = this.entries.get(String(request instanceof Request ? request.url : request));
    if (!stored) return undefined;
    return new Response(stored.status === 200 ? stored.body.slice() : null, { status: stored.status, headers: stored.headers });
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const body = new Uint8Array(await response.arrayBuffer());
    const used = [...this.entries.values()].reduce((sum, entry) => sum + entry.body.length, 0);
    if (used + body.length > this.quotaBytes) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    this.entries.set(String(request instanceof Request ? request.url : request), { status: response.status, headers: [...response.headers.entries()], body });
  }

  async delete(request: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(String(request instanceof Request ? request.url : request));
  }

  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

function memoryCaches(cache: MemoryCache): CacheStorage {
  return { open: async () => cache as unknown as Cache } as unknown as CacheStorage;
}

// --- Tests ------------------------------------------------------------------------------

const PATH = 'onnx/model.onnx';
const URL_ = `${BASE}${PATH}`;
const bytes = fileBytes(1000);

function makeStore(overrides: Partial<StoreDeps> & { fetch: StoreDeps['fetch'] }, entry = entryWith([{ path: PATH, bytes }])) {
  const cache = new MemoryCache();
  const store = new VerifiedModelStore({ caches: memoryCaches(cache), locks: localLocks(), isOnline: () => true, sleep: async () => undefined, ...overrides });
  const progress: { file: string; loaded: number; total: number }[] = [];
  const load = store.begin({ entry, baseUrl: BASE, progressName: 'tiny', onProgress: (info) => info.status === 'progress' && progress.push({ file: info.file, loaded: info.loaded, total: info.total }) });
  return { store, cache, progress, load };
}

async function bodyOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

describe('VerifiedModelStore', () => {
  it('stores a verified file with its digest and serves it from storage afterwards', async () => {
    const network = scriptedFetch(ok(bytes));
    const { store, cache, progress } = makeStore({ fetch: network.fetch });
    expect(await store.match(URL_)).toBeUndefined();
    expect(sha256Hex(await bodyOf(await store.fetch(URL_)))).toBe(sha256Hex(bytes));
    const stored = cache.entries.get(URL_)!;
    expect(new Headers(stored.headers).get(MODEL_CACHE_HEADERS.sha256)).toBe(sha256Hex(bytes));
    expect(new Headers(stored.headers).get(MODEL_CACHE_HEADERS.modelId)).toBe('tiny');
    expect(progress.at(-1)).toEqual({ file: PATH, loaded: 1000, total: 1000 });

    expect(await bodyOf((await store.match(URL_))!)).toEqual(bytes);
    await store.fetch(URL_);
    expect(network.calls).toHaveLength(1);
  });

  it('fails with the file named after the retry also fails, and stores nothing', async () => {
    const network = scriptedFetch(ok(bytes.subarray(0, 600)));
    const { store, cache } = makeStore({ fetch: network.fetch });
    const error = await store.fetch(URL_).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFileIntegrityError);
    expect((error as Error).name).toBe('ModelFileIntegrityError');
    expect((error as Error).message).toContain(`${PATH} of Tiny model failed verification 2 times`);
    expect((error as ModelFileIntegrityError).facts).toEqual({ modelId: 'tiny', file: PATH, attempts: INTEGRITY_ATTEMPTS });
    expect(network.calls).toHaveLength(INTEGRITY_ATTEMPTS);
    expect(cache.entries.size).toBe(0);
  });

  it('uses the x-linked-etag digest when the registry has none', async () => {
    const entry = entryWith([{ path: PATH, bytes, digest: false }]);
    const wrong = 'f'.repeat(64);
    const network = scriptedFetch(ok(bytes, { 'x-linked-etag': `"${wrong}"` }));
    const { store } = makeStore({ fetch: network.fetch }, entry);
    await expect(store.fetch(URL_)).rejects.toThrow(/from the x-linked-etag/);
  });

  /** The file is stored whole, with its digest. */
  const expectStoredWhole = (cache: MemoryCache) => {
    expect(cache.entries.get(URL_)!.body).toEqual(bytes);
    expect(new Headers(cache.entries.get(URL_)!.headers).get(MODEL_CACHE_HEADERS.sha256)).toBe(sha256Hex(bytes));
  };

  it('evicts and retries a file whose digest is wrong, then stores the right one', async () => {
    const corrupt = bytes.slice();
    corrupt[500]! ^= 0xff;
    const network = scriptedFetch(ok(corrupt), ok(bytes));
    const { store, cache, load } = makeStore({ fetch: network.fetch });
    await store.fetch(URL_);
    await load.settled();
    expect(network.calls).toHaveLength(2);
    expectStoredWhole(cache);
  });

  it('resumes a dropped download with a Range request and keeps the bytes already received', async () => {
    const network = scriptedFetch(
      () => new Response(droppingBody(bytes.subarray(0, 400)), { status: 200, headers: { 'content-length': '1000' } }),
      () => new Response(bytes.slice(400), { status: 206, headers: { 'content-range': 'bytes 400-999/1000', 'content-length': '600' } }),
    );
    const { store, cache, load } = makeStore({ fetch: network.fetch });
    await store.fetch(URL_);
    await load.settled();
    expect(network.calls.map((call) => call.range)).toEqual([null, 'bytes=400-']);
    expectStoredWhole(cache);
  });

  it('restarts the file when the server cannot resume', async () => {
    const network = scriptedFetch(() => new Response(droppingBody(bytes.subarray(0, 400)), { status: 200 }), ok(bytes));
    const { store, cache, load } = makeStore({ fetch: network.fetch });
    await store.fetch(URL_);
    await load.settled();
    expect(network.calls).toHaveLength(2);
    expectStoredWhole(cache);
  });

  it('takes a file whose size nobody announced, arriving in many pieces, and stores exactly its bytes', async () => {
    // Sizes are estimates (a Hub model before its listing is known) and the server streams without a length.
    const big = fileBytes(40_000, 3);
    const entry = { ...entryWith([{ path: PATH, bytes: big }]), sizesAreEstimates: true };
    const pieces = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < big.length; at += 3_000) controller.enqueue(big.slice(at, at + 3_000));
            controller.close();
          },
        }),
        { status: 200 },
      );
    const { store, cache, load } = makeStore({ fetch: scriptedFetch(pieces).fetch }, entry);
    expect(await bodyOf(await store.fetch(URL_))).toEqual(big);
    await load.settled();
    expect(cache.entries.get(URL_)!.body).toEqual(big);
  });

  it('retries server errors, then names the file', async () => {
    const network = scriptedFetch(() => new Response('busy', { status: 503 }));
    const { store } = makeStore({ fetch: network.fetch });
    await expect(store.fetch(URL_)).rejects.toThrow(ModelDownloadError);
    await expect(store.fetch(URL_)).rejects.toThrow(/onnx\/model.onnx of Tiny model: the server answered 503 4 times/);
    await expect(store.fetch(URL_)).rejects.toMatchObject({ facts: { modelId: 'tiny', file: PATH, offline: false } });
  });

  it('offline with nothing stored says so, without retrying', async () => {
    const network = scriptedFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const { store } = makeStore({ fetch: network.fetch, isOnline: () => false });
    const error = await store.fetch(URL_).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as Error).message).toMatch(/You are offline and onnx\/model.onnx of Tiny model is not downloaded yet/);
    expect((error as ModelDownloadError).facts).toEqual({ modelId: 'tiny', file: PATH, offline: true });
    expect(network.calls).toHaveLength(1);
  });

  it('a request that reaches no server is offline at once, even while navigator.onLine says online', async () => {
    // Chromium 150 under offline emulation, a captive portal, an air-gapped LAN: onLine stays true.
    const network = scriptedFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const { store } = makeStore({ fetch: network.fetch, isOnline: () => true });
    const error = await store.fetch(URL_).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/You are offline and onnx\/model.onnx of Tiny model is not downloaded yet/);
    expect((error as ModelDownloadError).facts).toEqual({ modelId: 'tiny', file: PATH, offline: true });
    expect(network.calls).toHaveLength(1);
  });

  it('a missing optional file stays missing when the network fails while navigator.onLine says online', async () => {
    let reachable = true;
    const optional = `${BASE}chat_template.jinja`;
    const network = scriptedFetch(() => (reachable ? new Response('Not found', { status: 404 }) : Promise.reject(new TypeError('Failed to fetch'))));
    const { store } = makeStore({ fetch: network.fetch, isOnline: () => true });
    expect((await store.fetch(optional)).status).toBe(404);
    reachable = false;
    expect((await store.fetch(optional)).status).toBe(404);
    expect((await store.fetch(optional, { headers: { Range: 'bytes=0-0' } })).status).toBe(404);
  });

  it('remembers a missing optional file so an offline load skips it', async () => {
    let online = true;
    const optional = `${BASE}chat_template.jinja`;
    const network = scriptedFetch(() => new Response('Not found', { status: 404 }));
    const { store } = makeStore({ fetch: network.fetch, isOnline: () => online });
    expect((await store.fetch(optional)).status).toBe(404);
    online = false;
    expect((await store.fetch(optional)).status).toBe(404);
    expect((await store.fetch(optional, { headers: { Range: 'bytes=0-0' } })).status).toBe(404);
    expect(await store.match(optional)).toBeUndefined();
    expect(network.calls).toHaveLength(1);
  });

  it('downloads a file once when two loads (tabs) ask at the same time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const network = scriptedFetch(async () => {
      await gate;
      return ok(bytes)();
    });
    const cache = new MemoryCache();
    const locks = localLocks();
    const tab = () => {
      const store = new VerifiedModelStore({ caches: memoryCaches(cache), locks, isOnline: () => true, fetch: network.fetch });
      store.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });
      return store;
    };
    const [a, b] = [tab(), tab()];
    const both = Promise.all([a.fetch(URL_), b.fetch(URL_)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const [first, second] = await both;
    expect(network.calls).toHaveLength(1);
    expect(await bodyOf(second)).toEqual(await bodyOf(first));
  });

  it('evicts a stored entry whose digest no longer matches the registry, and downloads again', async () => {
    const network = scriptedFetch(ok(bytes));
    const { store, cache } = makeStore({ fetch: network.fetch });
    await cache.put(URL_, new Response(bytes.slice(), { headers: { 'content-length': '1000', [MODEL_CACHE_HEADERS.sha256]: 'e'.repeat(64) } }));
    expect(await store.match(URL_)).toBeUndefined();
    expect(cache.entries.has(URL_)).toBe(false);
    await store.fetch(URL_);
    expect(network.calls).toHaveLength(1);
  });

  it('never stores what transformers.js puts itself (it was not verified)', async () => {
    const { store, cache } = makeStore({ fetch: scriptedFetch(ok(bytes)).fetch });
    await store.put(URL_, new Response(bytes.slice()));
    expect(cache.entries.size).toBe(0);
  });

  it('refuses to start a download the quota cannot hold, with the numbers', async () => {
    const network = scriptedFetch(ok(bytes));
    const { store } = makeStore({ fetch: network.fetch, estimate: async () => ({ usage: 9_999_500, quota: 10_000_000 }) });
    const error = await store.fetch(URL_).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageQuotaError);
    expect((error as Error).message).toBe(
      'Not enough storage to save Tiny model: for onnx/model.onnx, 1.00 kB is needed and this browser grants 500 bytes more to this site (10.0 MB used of 10.0 MB). ' +
        'Delete other models under "Models & storage" or free disk space, then load the model again. Your chats are kept.',
    );
    expect((error as StorageQuotaError).facts).toEqual({ modelId: 'tiny', file: PATH, bytesNeeded: 1000, bytesFree: 500 });
    expect(network.calls).toHaveLength(0);
  });

  it('turns a QuotaExceededError from Cache Storage into the named error, reported when the load settles, and stores nothing', async () => {
    const cache = new MemoryCache(500);
    const network = scriptedFetch(ok(bytes));
    const store = new VerifiedModelStore({ caches: memoryCaches(cache), locks: localLocks(), isOnline: () => true, fetch: network.fetch, estimate: async () => ({ usage: 0, quota: 0 }) });
    const load = store.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });
    // The verified file is handed over while it is written; the refusal comes with the load's end.
    expect(await bodyOf(await store.fetch(URL_))).toEqual(bytes);
    const refused = await load.settled();
    expect(refused).toBeInstanceOf(StorageQuotaError);
    expect(refused!.facts).toMatchObject({ modelId: 'tiny', file: PATH, bytesNeeded: 1000 });
    expect(cache.entries.size).toBe(0);
  });

  it('hands a verified file over before Cache Storage has stored it, and holds the file lock until it has', async () => {
    // A write that takes as long as the test says, as a large file's does.
    let finishWrite!: () => void;
    const writing = new Promise<void>((resolve) => (finishWrite = resolve));
    class SlowCache extends MemoryCache {
      override async put(request: RequestInfo | URL, response: Response): Promise<void> {
        await writing;
        return super.put(request, response);
      }
    }
    const cache = new SlowCache();
    const locks = localLocks();
    const network = scriptedFetch(ok(bytes));
    const tab = () => new VerifiedModelStore({ caches: memoryCaches(cache), locks, isOnline: () => true, fetch: network.fetch });
    const [first, second] = [tab(), tab()];
    const load = first.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });
    second.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });

    expect(await bodyOf(await first.fetch(URL_))).toEqual(bytes);
    expect(cache.entries.size).toBe(0);
    // transformers.js asks this store's cache for the file right after reading it: the answer is
    // the verified file, at once, not after the write (which would hold up creating its session).
    expect(await bodyOf((await first.match(URL_))!)).toEqual(bytes);
    expect(cache.entries.size).toBe(0);
    // Another tab asking meanwhile waits for the stored copy rather than downloading again.
    let secondDone = false;
    const fromSecond = second.fetch(URL_).then((response) => ((secondDone = true), response));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondDone).toBe(false);
    finishWrite();
    expect(await load.settled()).toBeNull();
    expect(cache.entries.has(URL_)).toBe(true);
    expect(await bodyOf(await fromSecond)).toEqual(bytes);
    expect(network.calls).toHaveLength(1);
  });

  it('loads the built-in model without storing it when the quota is full (the service worker keeps it)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const builtIn = { ...entryWith([{ path: PATH, bytes }]), builtIn: true };
    // The estimate says there is no room: no download refused, nothing stored.
    const estimated = makeStore({ fetch: scriptedFetch(ok(bytes)).fetch, estimate: async () => ({ usage: 9_999_500, quota: 10_000_000 }) }, builtIn);
    expect(await bodyOf(await estimated.store.fetch(URL_))).toEqual(bytes);
    expect(estimated.cache.entries.size).toBe(0);
    // The estimate says there is (Chromium reports the default quota), Cache Storage refuses.
    const cache = new MemoryCache(500);
    const store = new VerifiedModelStore({ caches: memoryCaches(cache), locks: localLocks(), isOnline: () => true, fetch: scriptedFetch(ok(bytes)).fetch, estimate: async () => ({ usage: 0, quota: 0 }) });
    store.begin({ entry: builtIn, baseUrl: BASE, progressName: 'tiny' });
    expect(await bodyOf(await store.fetch(URL_))).toEqual(bytes);
    expect(cache.entries.size).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`Could not store ${PATH}`));
    warn.mockRestore();
  });

  it('works uncached without Cache Storage, and says why', async () => {
    const network = scriptedFetch(ok(bytes));
    const store = new VerifiedModelStore({ caches: undefined, locks: localLocks(), isOnline: () => true, fetch: network.fetch });
    store.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });
    expect(await store.storage()).toEqual({ kind: 'uncached', reason: expect.stringContaining('no Cache Storage') });
    expect(await bodyOf(await store.fetch(URL_))).toEqual(bytes);
    expect(await store.match(URL_)).toBeUndefined();
  });

  it('works uncached where the browser refuses storage (private windows, iframes), and says why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const refusing = { open: () => Promise.reject(new DOMException('An attempt was made to break through the security policy of the user agent.', 'SecurityError')) } as unknown as CacheStorage;
    const network = scriptedFetch(ok(bytes));
    const store = new VerifiedModelStore({ caches: refusing, locks: localLocks(), isOnline: () => true, fetch: network.fetch });
    store.begin({ entry: entryWith([{ path: PATH, bytes }]), baseUrl: BASE, progressName: 'tiny' });
    expect(await bodyOf(await store.fetch(URL_))).toEqual(bytes);
    expect(await store.storage()).toEqual({ kind: 'uncached', reason: expect.stringContaining('security policy') });
    warn.mockRestore();
  });

  it('passes other requests and non-GET requests straight through', async () => {
    const network = scriptedFetch(ok(bytes));
    const { store, cache } = makeStore({ fetch: network.fetch });
    await store.fetch('https://elsewhere.test/file.bin');
    await store.fetch(URL_, { method: 'HEAD' });
    expect(network.calls).toHaveLength(2);
    expect(cache.entries.size).toBe(0);
  });
});
