/**
 * A local server in the Hugging Face Hub's URL layout, for testing `fetch-model` (and air-gapped
 * mirrors) without the Hub: `/<repo>/resolve/<revision>/<file>` answers small files directly
 * (with a git-blob ETag, as the Hub does) and large (.onnx) files with a 302 to a CDN path
 * carrying `x-linked-etag` (the LFS sha256) and `x-linked-size`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeHub {
  url: string;
  /** Request paths (with a ` range=` suffix for Range requests), in order. */
  requests: string[];
  /** Files (repo paths) whose CDN bytes are served with one byte flipped. */
  corrupt: Set<string>;
  close(): Promise<void>;
}

function send(req: IncomingMessage, res: ServerResponse, bytes: Buffer, headers: Record<string, string>): void {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': String(end - start + 1) });
    res.end(bytes.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

/** Serves the folder `dir` as the repository `repo`. */
export async function startFakeHub(repo: string, dir: string): Promise<FakeHub> {
  const requests: string[] = [];
  const corrupt = new Set<string>();
  const sha256Of = new Map<string, string>();
  const digest = (file: string) => {
    if (!sha256Of.has(file)) sha256Of.set(file, createHash('sha256').update(readFileSync(path.join(dir, file))).digest('hex'));
    return sha256Of.get(file)!;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${req.headers.range ? ` range=${req.headers.range}` : ''}`);
    const resolve = new RegExp(`^/${repo}/resolve/[^/]+/(.+)$`).exec(url.pathname);
    if (resolve) {
      const file = decodeURIComponent(resolve[1]!);
      const full = path.join(dir, file);
      if (!full.startsWith(dir) || !existsSync(full) || statSync(full).isDirectory()) {
        res.writeHead(404, { 'X-Error-Code': 'EntryNotFound', 'Content-Type': 'text/plain' }).end('Entry not found');
        return;
      }
      if (file.endsWith('.onnx')) {
        const sha = digest(file);
        res.writeHead(302, { Location: `/cdn/${sha}?file=${encodeURIComponent(file)}`, 'X-Linked-Etag': `"${sha}"`, 'X-Linked-Size': String(statSync(full).size), ETag: `"${sha}"` }).end();
        return;
      }
      const bytes = readFileSync(full);
      const gitBlob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      send(req, res, bytes, { 'Content-Type': 'text/plain; charset=utf-8', ETag: `"${gitBlob}"` });
      return;
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    const file = url.searchParams.get('file');
    if (cdn && file && existsSync(path.join(dir, file))) {
      const bytes = Buffer.from(readFileSync(path.join(dir, file)));
      if (corrupt.has(file)) bytes[bytes.length >> 1]! ^= 0xff;
      send(req, res, bytes, { 'Content-Type': 'application/octet-stream' });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    corrupt,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
