/**
 * A production server for the PWA tests, one per test on a free port (so each test is a fresh
 * origin with no service worker or stored models): the real static handler of scripts/serve.ts,
 * plus a log of every request and faults injected into chosen files, at the socket level where
 * `page.route` cannot reach (a connection dropped mid-body). The served folder can be swapped to
 * deploy a new build while a page is open.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { crossOriginIsolationHeaders } from '../scripts/build/cross-origin-isolation.ts';
import { createStaticHandler } from '../scripts/serve.ts';

export type Fault =
  /** 200 with a correct header set but only the first half of the bytes (and a matching length). */
  | 'truncate'
  /** 200 text/html: an SPA fallback page instead of the file. */
  | 'html'
  /** 200, right length, one byte flipped in the middle: only the digest can tell. */
  | 'flip-byte'
  /** 500 Internal Server Error. */
  | 'status-500'
  /** Announces the full length, sends half, then destroys the connection. */
  | 'drop-mid-body'
  /** Never answers until `release()` (to hold a download open). */
  | 'stall';

export interface FaultRule {
  /** URL path, e.g. `/models/SmolVLM-test-tiny/onnx/decoder_model_merged.onnx`. */
  path: string;
  fault: Fault;
  /** How many full (non-Range) requests it applies to; default every one. */
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | null;
  /** Whether the server (or an injected fault) answered it. */
  fault: Fault | null;
}

export interface PwaServer {
  url: string;
  requests: LoggedRequest[];
  /** Full downloads (GET without Range) of a path. */
  fullGets(pathname: string): number;
  /** Range requests (probes and resumes) of a path. */
  rangeGets(pathname: string): LoggedRequest[];
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Serves another folder from now on (a new deploy). */
  setRoot(root: string): void;
  /** Lets stalled requests go on. */
  release(): void;
  close(): Promise<void>;
}

/** `headers` replaces the isolation headers scripts/serve.ts sends (e.g. `{}` for a host that forgot them). */
export async function startPwaServer(root: string, headers?: Record<string, string>): Promise<PwaServer> {
  const handlerFor = (folder: string) => createStaticHandler({ root: folder, ...(headers ? { headers } : {}) });
  let handler = handlerFor(root);
  let currentRoot = path.resolve(root);
  const requests: LoggedRequest[] = [];
  const rules: (FaultRule & { used: number })[] = [];
  let stalled: (() => void)[] = [];

  const faultFor = (req: IncomingMessage, pathname: string): Fault | null => {
    if (req.headers.range) return null;
    const rule = rules.find((candidate) => candidate.path === pathname && candidate.used < (candidate.times ?? Infinity));
    if (!rule) return null;
    rule.used++;
    return rule.fault;
  };

  const serveFault = (fault: Fault, pathname: string, req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(headers ?? crossOriginIsolationHeaders)) res.setHeader(name, value);
    if (fault === 'stall') {
      stalled.push(() => handler(req, res));
      return;
    }
    if (fault === 'status-500') {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    if (fault === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><div id="root"></div></body></html>');
      return;
    }
    const bytes = readFileSync(path.join(currentRoot, decodeURIComponent(pathname)));
    const type = { 'Content-Type': pathname.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream' };
    if (fault === 'truncate') {
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      res.writeHead(200, { ...type, 'Content-Length': half.length }).end(half);
      return;
    }
    if (fault === 'flip-byte') {
      const copy = Buffer.from(bytes);
      copy[Math.floor(copy.length / 2)]! ^= 0xff;
      res.writeHead(200, { ...type, 'Content-Length': copy.length }).end(copy);
      return;
    }
    // drop-mid-body
    res.writeHead(200, { ...type, 'Content-Length': bytes.length, 'Accept-Ranges': 'bytes' });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => res.socket?.destroy(), 50));
  };

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fault = faultFor(req, pathname);
    requests.push({ method: req.method ?? 'GET', path: pathname, range: req.headers.range ?? null, fault });
    if (fault) serveFault(fault, pathname, req, res);
    else handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fullGets: (pathname) => requests.filter((r) => r.path === pathname && r.method === 'GET' && !r.range).length,
    rangeGets: (pathname) => requests.filter((r) => r.path === pathname && r.range !== null),
    inject: (rule) => rules.push({ ...rule, used: 0 }),
    clearFaults: () => rules.splice(0),
    setRoot(next) {
      currentRoot = path.resolve(next);
      handler = handlerFor(next);
    },
    release() {
      const waiting = stalled;
      stalled = [];
      for (const go of waiting) go();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
