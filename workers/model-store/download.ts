/**
 * Downloads one model file into memory, hashes it, and says whether it is the file we
 * expect. A dropped connection resumes with a Range request (or restarts the file when the server
 * cannot resume); server errors are retried a few times, a request that cannot reach any server
 * is reported as offline at once; a file that fails
 * verification is fetched once more and then reported with its name. Nothing here stores anything.
 */
import { createSHA256 } from 'hash-wasm';
import { ModelDownloadError, ModelFileIntegrityError } from '../errors.ts';
import { announcedLength, bodyProblem, expectedDigest, headProblem, type ExpectedFile } from './verify.ts';

export interface DownloadDeps {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** `navigator.onLine`: false is believed; true is not proof (a request that fails still means offline). */
  isOnline: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** A complete file whose bytes passed every check. */
export interface VerifiedFile {
  kind: 'file';
  /** The whole file, in one array (what transformers.js reads it into anyway). */
  data: Uint8Array<ArrayBuffer>;
  bytes: number;
  sha256: string;
  contentType: string;
}

/** A definite answer that is not the file (404, 403...): handed to transformers.js as is. */
export interface StatusAnswer {
  kind: 'status';
  response: Response;
}

type Attempt = VerifiedFile | StatusAnswer | { kind: 'rejected'; problem: string };

/** Retries for a 5xx (or 408/429) before giving up on the file. */
export const TRANSIENT_RETRIES = 3;
/** Connection drops within one file before giving up on it. */
export const MAX_RESUMES = 4;
/** Downloads of a file that fails verification: the first and one retry. */
export const INTEGRITY_ATTEMPTS = 2;

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describe(expected: ExpectedFile): string {
  return `${expected.path} of ${expected.modelName}`;
}

/** A file that cannot be downloaded because the device is offline. */
export function offlineError(expected: ExpectedFile): ModelDownloadError {
  return new ModelDownloadError(`You are offline and ${describe(expected)} is not downloaded yet. Connect to the internet to download it.`, {
    modelId: expected.modelId,
    file: expected.path,
    offline: true,
  });
}

function downloadError(expected: ExpectedFile, problem: string): ModelDownloadError {
  return new ModelDownloadError(`Could not download ${describe(expected)}: ${problem}`, { modelId: expected.modelId, file: expected.path, offline: false });
}

/** A request, retried on 5xx; a network failure is offline; any other status is returned as is. */
async function requestWithRetry(expected: ExpectedFile, deps: DownloadDeps, headers?: Record<string, string>): Promise<Response> {
  const sleep = deps.sleep ?? defaultSleep;
  let lastProblem = '';
  for (let attempt = 0; attempt <= TRANSIENT_RETRIES; attempt++) {
    if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
    let response: Response;
    try {
      // no-store: the verified copy goes to Cache Storage; a second copy in the HTTP cache would
      // double the disk use, and a retry after a bad body must reach the server.
      response = await deps.fetch(expected.url, { cache: 'no-store', ...(headers ? { headers } : {}) });
    } catch {
      // The request never reached a server: no connection, or a network with no way out (a
      // captive portal, an air-gapped LAN), where `navigator.onLine` still says true and
      // retrying only delays the answer. Chromium 150 also keeps it true under DevTools'
      // offline emulation. So the failure itself says offline.
      throw offlineError(expected);
    }
    if (!RETRYABLE_STATUS.has(response.status)) return response;
    lastProblem = `the server answered ${response.status}`;
    await response.body?.cancel().catch(() => undefined);
  }
  throw downloadError(expected, `${lastProblem} ${TRANSIENT_RETRIES + 1} times. Try again later.`);
}

/** The first byte and total length in a `Content-Range: bytes a-b/total` header. */
function parseContentRange(value: string | null): { start: number; total?: number } | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), ...(match[2] !== '*' ? { total: Number(match[2]) } : {}) };
}

/** One download of the file, resuming over dropped connections, then verified. */
async function downloadOnce(expected: ExpectedFile, deps: DownloadDeps, onBytes: (loaded: number, total: number) => void): Promise<Attempt> {
  const first = await requestWithRetry(expected, deps);
  if (first.status >= 400) return { kind: 'status', response: first };
  const problem = headProblem(first, expected);
  if (problem) {
    await first.body?.cancel().catch(() => undefined);
    return { kind: 'rejected', problem };
  }
  const digest = expectedDigest(expected, first.headers);
  const announced = announcedLength(first);
  const total = expected.size ?? announced ?? 0;
  const contentType = first.headers.get('content-type') ?? 'application/octet-stream';

  // SHA-256 fed each chunk as it arrives (hash-wasm), not WebCrypto over the whole file at the
  // end: on a cold load this worker's thread is mostly busy creating sessions, and the chunks that
  // arrive while it waits (for ONNX Runtime's WebAssembly, for the network) are hashed for free.
  // WebCrypto's digest runs on this thread too, all at once after the last byte, and measured no
  // faster per byte on this machine (0.55-0.65 s per 135 MB for both; docs/performance.md, issue 12
  // session 11).
  const hasher = await createSHA256();
  hasher.init();
  // Sized from what we expect; a server's announcement alone is trusted up to 1 GiB of memory.
  const body = new BodyBuffer(expected.size ?? Math.min(announced ?? 0, 2 ** 30));
  let received = 0;
  let resumes = 0;
  let reader = first.body!.getReader();
  for (;;) {
    let chunk: Uint8Array;
    try {
      const next = await reader.read();
      if (next.done) break;
      chunk = next.value;
    } catch (error) {
      // The connection dropped mid-file: keep what arrived and ask for the rest.
      if (++resumes > MAX_RESUMES) {
        throw downloadError(expected, `the connection was lost ${resumes} times (${(error as Error).message}).`);
      }
      if (!deps.isOnline()) throw offlineError(expected);
      const rest = await requestWithRetry(expected, deps, { Range: `bytes=${received}-` });
      const range = parseContentRange(rest.headers.get('content-range'));
      if (rest.status === 206 && range?.start === received && (total === 0 || range.total === undefined || range.total === total)) {
        reader = rest.body!.getReader();
        continue;
      }
      if (rest.status === 200 && !headProblem(rest, expected)) {
        // The server cannot resume: start this file over (and only this file).
        hasher.init();
        body.clear();
        received = 0;
        reader = rest.body!.getReader();
        continue;
      }
      await rest.body?.cancel().catch(() => undefined);
      return { kind: 'rejected', problem: `the download broke off at ${received} bytes and the server could not resume it (answered ${rest.status})` };
    }
    if (expected.size !== undefined && received + chunk.byteLength > expected.size) {
      await reader.cancel().catch(() => undefined);
      return { kind: 'rejected', problem: `received more than the expected ${expected.size} bytes` };
    }
    hasher.update(chunk);
    body.append(chunk);
    received += chunk.byteLength;
    onBytes(received, Math.max(total, received));
  }
  const data = body.bytes();
  const sha = hasher.digest('hex');
  const bodyIssue = bodyProblem({ bytes: received, sha256: sha }, { size: expected.size, announced, ...digest });
  if (bodyIssue) return { kind: 'rejected', problem: bodyIssue };
  return { kind: 'file', data, bytes: received, sha256: sha, contentType };
}

/**
 * A file's bytes as they arrive, in one array sized from the expected length, so that the
 * verified file is handed over without joining chunks (a second copy of a decoder's hundreds of MB).
 */
class BodyBuffer {
  private buffer: Uint8Array<ArrayBuffer>;
  private length = 0;

  constructor(expectedBytes: number) {
    this.buffer = new Uint8Array(expectedBytes);
  }

  append(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength > this.buffer.byteLength) {
      // Longer than announced (or no length known): grow geometrically.
      const grown = new Uint8Array(Math.max(this.length + chunk.byteLength, this.buffer.byteLength * 2, 1 << 16));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.byteLength;
  }

  clear(): void {
    this.length = 0;
  }

  /** The bytes received, without a copy when the expected length was right. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.length === this.buffer.byteLength ? this.buffer : this.buffer.slice(0, this.length);
  }
}

/**
 * Downloads a file and verifies it; a file that fails verification is evicted (`onRejected`) and
 * downloaded once more, then reported as a ModelFileIntegrityError naming it.
 */
export async function downloadVerified(
  expected: ExpectedFile,
  deps: DownloadDeps,
  onBytes: (loaded: number, total: number) => void,
  onRejected: (problem: string) => Promise<void> = async () => undefined,
): Promise<VerifiedFile | StatusAnswer> {
  const problems: string[] = [];
  for (let attempt = 1; attempt <= INTEGRITY_ATTEMPTS; attempt++) {
    const result = await downloadOnce(expected, deps, onBytes);
    if (result.kind !== 'rejected') return result;
    problems.push(result.problem);
    await onRejected(result.problem);
  }
  throw new ModelFileIntegrityError(
    `${describe(expected)} failed verification ${INTEGRITY_ATTEMPTS} times (${expected.url}): ${problems.join('; then ')}. Nothing was stored. ` +
      'The server may be serving a broken or different file; try again later or ask its operator.',
    { modelId: expected.modelId, file: expected.path, attempts: INTEGRITY_ATTEMPTS },
  );
}
