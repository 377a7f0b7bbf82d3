import { describe, expect, it } from 'vitest';
import { announcedLength, bodyProblem, digestFromLinkedEtag, expectedDigest, headProblem, isHtmlContentType, normalizeSha256, storedEntryProblem, type ExpectedFile } from './verify.ts';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const expected: ExpectedFile = { url: 'https://example.test/m/onnx/model.onnx', path: 'onnx/model.onnx', modelId: 'm', modelName: 'Model', size: 10, sha256: SHA, digestSource: 'registry' };

describe('digests', () => {
  it('accepts only 64 hex characters, in any case', () => {
    expect(normalizeSha256(SHA.toUpperCase())).toBe(SHA);
    expect(normalizeSha256('abc')).toBeUndefined();
    expect(normalizeSha256(42)).toBeUndefined();
  });

  it('reads the sha256 of an LFS file from the Hub x-linked-etag, and ignores git sha1 etags', () => {
    expect(digestFromLinkedEtag(`"${SHA}"`)).toBe(SHA);
    expect(digestFromLinkedEtag(`W/"${SHA}"`)).toBe(SHA);
    expect(digestFromLinkedEtag('"0123456789abcdef0123456789abcdef01234567"')).toBeUndefined();
    expect(digestFromLinkedEtag(null)).toBeUndefined();
  });

  it('prefers the known digest to the one the server announces', () => {
    const headers = new Headers({ 'x-linked-etag': `"${OTHER}"` });
    expect(expectedDigest(expected, headers)).toEqual({ sha256: SHA, digestSource: 'registry' });
    expect(expectedDigest({ ...expected, sha256: undefined }, headers)).toEqual({ sha256: OTHER, digestSource: 'x-linked-etag' });
    expect(expectedDigest({ ...expected, sha256: undefined }, new Headers())).toEqual({});
  });
});

describe('response head', () => {
  const response = (status: number, headers: Record<string, string>, type: ResponseType = 'basic') => ({ status, headers: new Headers(headers), type });

  it('rejects anything but a 200, and HTML pages whatever their status', () => {
    expect(headProblem(response(200, { 'content-type': 'application/octet-stream', 'content-length': '10' }), expected)).toBeNull();
    expect(headProblem(response(206, {}), expected)).toMatch(/answered 206/);
    expect(headProblem(response(200, { 'content-type': 'text/html; charset=utf-8' }), expected)).toMatch(/HTML page/);
    expect(isHtmlContentType('application/xhtml+xml')).toBe(true);
    expect(isHtmlContentType('application/json')).toBe(false);
  });

  it('rejects an announced length that differs from the expected size', () => {
    expect(headProblem(response(200, { 'content-length': '9' }), expected)).toMatch(/announces 9 bytes, expected 10/);
  });

  it('does not trust Content-Length for compressed or cross-origin bodies', () => {
    expect(announcedLength(response(200, { 'content-length': '9' }))).toBe(9);
    expect(announcedLength(response(200, { 'content-length': '9', 'content-encoding': 'gzip' }))).toBeUndefined();
    expect(announcedLength(response(200, { 'content-length': '9' }, 'cors'))).toBeUndefined();
    expect(headProblem(response(200, { 'content-length': '9' }, 'cors'), expected)).toBeNull();
  });
});

describe('body', () => {
  it('passes the right bytes and digest', () => {
    expect(bodyProblem({ bytes: 10, sha256: SHA }, { size: 10, announced: 10, sha256: SHA })).toBeNull();
  });

  it('names a short body, a body shorter than announced, and a digest mismatch', () => {
    expect(bodyProblem({ bytes: 5, sha256: SHA }, { size: 10 })).toMatch(/received 5 bytes, expected 10/);
    expect(bodyProblem({ bytes: 5, sha256: SHA }, { announced: 10 })).toMatch(/server announced 10/);
    expect(bodyProblem({ bytes: 10, sha256: OTHER }, { size: 10, sha256: SHA, digestSource: 'x-linked-etag' })).toMatch(/sha256 bbbbbbbbbbbb… does not match the expected aaaaaaaaaaaa… \(from the x-linked-etag\)/);
  });

  it('passes any complete body when nothing is known about the file', () => {
    expect(bodyProblem({ bytes: 3, sha256: OTHER }, {})).toBeNull();
  });
});

describe('stored entries', () => {
  it('keeps an entry only if the store wrote it and it still matches what is expected', () => {
    expect(storedEntryProblem({ sha256: SHA, size: 10 }, { sha256: SHA, size: 10 })).toBeNull();
    expect(storedEntryProblem({ size: 10 }, {})).toMatch(/not stored by the verified model store/);
    expect(storedEntryProblem({ sha256: OTHER, size: 10 }, { sha256: SHA })).toMatch(/sha256 differs/);
    expect(storedEntryProblem({ sha256: SHA, size: 9 }, { size: 10 })).toMatch(/size differs/);
  });
});
