import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { build, type Connect, type Plugin, type ResolvedConfig } from 'vite';
import { checkEmbedLoaderSize, EMBED_LOADER_BUDGET, EMBED_LOADER_FILE } from './embed-budget.ts';
import { embedPathHeadersFor } from './embed-headers.ts';

/** The element's source; built on its own into `embed.js`, so it shares no chunk with the app. */
export const EMBED_LOADER_ENTRY = 'src/embed-loader/index.ts';

/** Sets headers that later middleware (Vite's `server.headers`) must not overwrite. */
function pinHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  const pinned = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    pinned.has(name.toLowerCase()) ? res : setHeader(name, value)) as typeof res.setHeader;
}

function embedHeadersMiddleware(devEntry: boolean): Connect.NextHandleFunction {
  const pathHeaders = embedPathHeadersFor(devEntry ? 'development' : 'production');
  return (req, res, next) => {
    const urlPath = (req.url ?? '').split('?')[0]!;
    const headers = pathHeaders[urlPath];
    if (headers) pinHeaders(res, headers);
    // In development embed.js is the element's source module, transformed by Vite on request.
    if (devEntry && urlPath === `/${EMBED_LOADER_FILE}`) req.url = `/${EMBED_LOADER_ENTRY}`;
    next();
  };
}

/**
 * Builds `embed.js` (the `<vlm-chat>` element) next to the app as a standalone ES module with a
 * stable name, checks its size budget (failing the build when over), and serves it and embed.html
 * with the headers cross-origin embedding needs in `vite` and `vite preview`.
 */
export function embedLoaderPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'vlm:embed-loader',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.middlewares.use(embedHeadersMiddleware(true));
    },
    configurePreviewServer(server) {
      server.middlewares.use(embedHeadersMiddleware(false));
    },
    async writeBundle() {
      if (config.command !== 'build' || config.build.ssr) return;
      const outDir = path.resolve(config.root, config.build.outDir);
      await build({
        configFile: false,
        root: config.root,
        logLevel: 'warn',
        publicDir: false,
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          modulePreload: false,
          reportCompressedSize: false,
          rolldownOptions: {
            input: path.resolve(config.root, EMBED_LOADER_ENTRY),
            preserveEntrySignatures: 'strict',
            output: { format: 'es', entryFileNames: EMBED_LOADER_FILE },
          },
        },
      });
      const size = checkEmbedLoaderSize(readFileSync(path.join(outDir, EMBED_LOADER_FILE)));
      if (size.problem) this.error(size.problem);
      config.logger.info(`${EMBED_LOADER_FILE}: ${size.bytes} B, ${size.gzipBytes} B gzipped (budget ${EMBED_LOADER_BUDGET.bytes} B / ${EMBED_LOADER_BUDGET.gzipBytes} B)`);
    },
  };
}
