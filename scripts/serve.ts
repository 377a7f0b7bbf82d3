/**
 * The production server: serves the built app (default `dist/`) with the cross-origin isolation
 * headers WASM threads need, correct content types, byte ranges (so an interrupted model download
 * can resume) and a real 404 for a missing file. Only extension-less paths (client routes) fall
 * back to index.html: a missing `/models/x/config.json` must never be answered with HTML.
 *
 *   tsx scripts/serve.ts [root=dist] [--port 4173] [--host 127.0.0.1]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { crossOriginIsolationHeaders } from './build/cross-origin-isolation.ts';
import { embedPathHeaders } from './build/embed-headers.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticServerOptions {
  root: string;
  /** Extra headers on every response (tests use this to serve without COOP/COEP). */
  headers?: Record<string, string>;
  /** Headers for exact URL paths, set after `headers` (default: what embed.js and embed.html need). */
  pathHeaders?: Record<string, Record<string, string>>;
}

/** Creates the request handler; exported so tests can start servers with other headers. */
export function createStaticHandler({ root, headers = crossOriginIsolationHeaders, pathHeaders = embedPathHeaders }: StaticServerOptions) {
  const absoluteRoot = path.resolve(root);
  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('Bad request');
      return;
    }
    for (const [name, value] of Object.entries(pathHeaders[urlPath] ?? {})) res.setHeader(name, value);
    let file = path.join(absoluteRoot, urlPath);
    if (!file.startsWith(absoluteRoot)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      // Client-side routes have no extension; anything that names a file must exist.
      if (path.extname(urlPath) === '') file = path.join(absoluteRoot, 'index.html');
      else {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
    }
    const { size, mtimeMs } = statSync(file);
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    res.setHeader('Content-Type', type);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    // The service worker decides what is cached; hashed assets may be cached by the browser too.
    res.setHeader('Cache-Control', urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] !== '' || range[2] !== '')) {
      const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
      if (start > end || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

/** Starts a server and resolves with its URL. */
export async function startStaticServer(options: StaticServerOptions & { port: number; host?: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(createStaticHandler(options));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: process.env.PORT ?? '4173' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const root = positionals[0] ?? 'dist';
  if (!existsSync(path.join(root, 'index.html'))) {
    console.error(`No build in ${root}/ — run \`npm run build\` first.`);
    process.exit(1);
  }
  const { url } = await startStaticServer({ root, port: Number(values.port), host: values.host });
  console.log(`Serving ${root}/ at ${url} (cross-origin isolated)`);
}
