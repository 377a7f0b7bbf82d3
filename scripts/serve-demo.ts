/**
 * Serves the demo host page (demo/: a shop that embeds `<vlm-chat>`) from its own origin, as a
 * real site would: `{{APP_ORIGIN}}` and `{{MODEL}}` in its HTML are filled in, and every response
 * carries the strict Content-Security-Policy of docs/embedding.md, allowing exactly the app origin.
 * Optionally cross-origin isolated (COOP/COEP), so the embedded model gets WASM threads.
 *
 *   tsx scripts/serve-demo.ts [--app http://127.0.0.1:4173] [--port 4183] [--host localhost]
 *                             [--model SmolVLM-256M-Instruct] [--isolated]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStaticHandler } from './serve.ts';

/** The CSP a host page needs for the widget (docs/embedding.md explains each directive). */
export function hostPageCsp(appOrigin: string, extraFrameOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${appOrigin}`,
    `frame-src ${[appOrigin, ...extraFrameOrigins].join(' ')}`,
    "img-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

export interface DemoServerOptions {
  appOrigin: string;
  port: number;
  host?: string;
  /** Model id put into the page's `<vlm-chat model>`. */
  model?: string;
  /** Send COOP/COEP, so the page (and the widget frame) are cross-origin isolated. */
  crossOriginIsolated?: boolean;
  /** Other origins the page may frame (tests add an "ad" frame from a third origin). */
  extraFrameOrigins?: readonly string[];
  root?: string;
}

export async function startDemoServer(options: DemoServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const root = path.resolve(options.root ?? path.join(import.meta.dirname, '..', 'demo'));
  const headers: Record<string, string> = {
    'Content-Security-Policy': hostPageCsp(options.appOrigin, options.extraFrameOrigins),
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    ...(options.crossOriginIsolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
  };
  const staticFiles = createStaticHandler({ root, headers, pathHeaders: {} });
  const server = createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (urlPath !== '/' && urlPath !== '/index.html') return staticFiles(req, res);
    const html = readFileSync(path.join(root, 'index.html'), 'utf8')
      .replaceAll('{{APP_ORIGIN}}', options.appOrigin)
      .replaceAll('{{MODEL}}', options.model ?? 'SmolVLM-256M-Instruct');
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }).end(html);
  });
  const host = options.host ?? 'localhost';
  await new Promise<void>((resolve) => server.listen(options.port, host === 'localhost' ? '127.0.0.1' : host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      app: { type: 'string', default: 'http://127.0.0.1:4173' },
      port: { type: 'string', default: '4183' },
      host: { type: 'string', default: 'localhost' },
      model: { type: 'string', default: 'SmolVLM-256M-Instruct' },
      isolated: { type: 'boolean', default: false },
    },
  });
  const appOrigin = new URL(values.app).origin;
  const { url } = await startDemoServer({
    appOrigin,
    port: Number(values.port),
    host: values.host,
    model: values.model,
    crossOriginIsolated: values.isolated,
  });
  console.log(`Demo shop at ${url}/ embedding ${appOrigin}/embed.js${values.isolated ? ' (cross-origin isolated)' : ''}`);
}
