import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * ONNX Runtime Web's runtime files, served from our own origin under `/ort/` so nothing is fetched
 * from a CDN (transformers.js points at jsDelivr by default). The asyncify build serves both the
 * WASM CPU backend and the WebGPU execution provider in onnxruntime-web >= 1.22.
 */
export const ORT_ASSET_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'] as const;
export const ORT_PUBLIC_PATH = '/ort/';

/** The onnxruntime-web that transformers.js itself resolves (it pins a dev build). */
export function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  const transformersEntry = require.resolve('@huggingface/transformers');
  // onnxruntime-web does not export its package.json: resolve its main entry, then find dist/.
  const ortEntry = createRequire(transformersEntry).resolve('onnxruntime-web');
  let dir = path.dirname(ortEntry);
  while (path.basename(dir) !== 'dist' && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

const contentTypes: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** Serves the files in dev and emits them into the build. */
export function ortAssetsPlugin(): Plugin {
  const dist = ortDistDir();
  return {
    name: 'vlm:ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url?.split('?')[0] ?? '';
        if (!url.startsWith(ORT_PUBLIC_PATH)) return next();
        const name = url.slice(ORT_PUBLIC_PATH.length);
        if (!(ORT_ASSET_FILES as readonly string[]).includes(name)) {
          res.statusCode = 404;
          res.end('Not found');
          return;
        }
        res.setHeader('Content-Type', contentTypes[path.extname(name)] ?? 'application/octet-stream');
        res.end(readFileSync(path.join(dist, name)));
      });
    },
    generateBundle(_options, bundle) {
      // onnxruntime-web's bundle names its wasm with `new URL(..., import.meta.url)`, so Vite emits
      // a hashed 27 MB copy. ORT never fetches it (wasmPaths points at /ort/), so drop it.
      for (const fileName of Object.keys(bundle)) {
        if (/^assets\/ort-wasm-.*\.wasm$/.test(fileName)) delete bundle[fileName];
      }
      for (const name of ORT_ASSET_FILES) {
        const file = path.join(dist, name);
        if (!existsSync(file)) this.error(`ONNX Runtime file missing: ${file}`);
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(file) });
      }
    },
  };
}

/**
 * Vite's dev server answers unknown paths with index.html (SPA fallback). transformers.js probes
 * optional model files and must get a 404 for a missing one, never an HTML 200.
 */
export function strictModelFilesPlugin(publicDir: string): Plugin {
  return {
    name: 'vlm:strict-model-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent(req.url?.split('?')[0] ?? '');
        if (!url.startsWith('/models/')) return next();
        const file = path.join(publicDir, url);
        if (!file.startsWith(path.join(publicDir, 'models')) || !existsSync(file)) {
          res.statusCode = 404;
          res.end('Not found');
          return;
        }
        next();
      });
    },
  };
}
