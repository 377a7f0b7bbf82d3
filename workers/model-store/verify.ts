/**
 * What a model file must be before it is stored: a 200, not an HTML page, exactly the expected
 * number of bytes, and the expected sha256 when one is known. Pure functions: the download and the
 * store decide what to do with a verdict.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What we know about a file before downloading it. */
export interface ExpectedFile {
  /** Absolute URL transformers.js asks for (also the cache key). */
  url: string;
  /** Path inside the model repository. */
  path: string;
  modelId: string;
  modelName: string;
  /** Exact byte length, when a trustworthy source gives one (not an estimate). */
  size?: number;
  /** Lower-case hex sha256, when known. */
  sha256?: string;
  /** Where `sha256` came from, for messages. */
  digestSource?: 'registry' | 'origin index' | 'x-linked-etag';
}

/** A lower-case sha256, or undefined when `value` is not one. */
export function normalizeSha256(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.trim().toLowerCase();
  return SHA256_HEX.test(hex) ? hex : undefined;
}

/**
 * The sha256 in a Hub `x-linked-etag` header (`"<64 hex>"`, possibly weak). Small non-LFS files
 * carry a git sha1 in their ETag instead, which is not a digest we can check, so it is ignored.
 */
export function digestFromLinkedEtag(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  return normalizeSha256(header.replace(/^W\//, '').replace(/"/g, ''));
}

/** True for a content type no model file has: an HTML page (an SPA fallback, a login wall). */
export function isHtmlContentType(contentType: string | null | undefined): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? '');
}

/** The expected sha256 for a response: the known one, else the server's `x-linked-etag`. */
export function expectedDigest(expected: ExpectedFile, headers: Headers): Pick<ExpectedFile, 'sha256' | 'digestSource'> {
  if (expected.sha256) return { sha256: expected.sha256, digestSource: expected.digestSource ?? 'registry' };
  const linked = digestFromLinkedEtag(headers.get('x-linked-etag'));
  return linked ? { sha256: linked, digestSource: 'x-linked-etag' } : {};
}

/**
 * The byte length a response announces for its body, when that is the length we will read: a
 * `Content-Length` of a compressed body counts compressed bytes, and a cross-origin response hides
 * its `Content-Encoding`, so only same-origin, unencoded responses are taken at their word.
 */
export function announcedLength(response: Pick<Response, 'headers' | 'type'>): number | undefined {
  if (response.type === 'cors' || response.type === 'opaque') return undefined;
  const headers = response.headers;
  const encoding = (headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') return undefined;
  const value = headers.get('content-length');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** Why the response's status line and headers already rule the file out, or null. */
export function headProblem(response: Pick<Response, 'status' | 'headers' | 'type'>, expected: ExpectedFile): string | null {
  if (response.status !== 200) return `the server answered ${response.status} instead of 200`;
  const type = response.headers.get('content-type');
  if (isHtmlContentType(type)) return `the server sent an HTML page (${type}) instead of the file`;
  const announced = announcedLength(response);
  if (announced !== undefined && expected.size !== undefined && announced !== expected.size) {
    return `the server announces ${announced} bytes, expected ${expected.size}`;
  }
  return null;
}

/** What was received, measured while streaming. */
export interface ReceivedBody {
  bytes: number;
  sha256: string;
}

/** What the body must match: the expected file plus what the first response announced. */
export interface BodyExpectation {
  size?: number;
  announced?: number;
  sha256?: string;
  digestSource?: ExpectedFile['digestSource'];
}

/** Why the received body is not the file, or null when it is. */
export function bodyProblem(received: ReceivedBody, expectation: BodyExpectation): string | null {
  if (expectation.size !== undefined && received.bytes !== expectation.size) {
    return `received ${received.bytes} bytes, expected ${expectation.size}`;
  }
  if (expectation.announced !== undefined && received.bytes !== expectation.announced) {
    return `received ${received.bytes} bytes, the server announced ${expectation.announced}`;
  }
  if (expectation.sha256 && received.sha256 !== expectation.sha256) {
    return `sha256 ${received.sha256.slice(0, 12)}… does not match the expected ${expectation.sha256.slice(0, 12)}… (from the ${expectation.digestSource ?? 'registry'})`;
  }
  return null;
}

/** An entry already in the cache still describes the file we expect (a changed digest means a new file). */
export function storedEntryProblem(stored: { size?: number; sha256?: string }, expected: Pick<ExpectedFile, 'size' | 'sha256'>): string | null {
  if (!stored.sha256) return 'it was not stored by the verified model store';
  if (expected.sha256 && stored.sha256 !== expected.sha256) return 'its sha256 differs from the expected one';
  if (expected.size !== undefined && stored.size !== undefined && stored.size !== expected.size) return 'its size differs from the expected one';
  return null;
}
