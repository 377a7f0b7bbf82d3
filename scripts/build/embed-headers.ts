/**
 * Headers the embeddable widget needs on top of the cross-origin isolation headers every page
 * gets (scripts/build/cross-origin-isolation.ts), by exact URL path:
 *
 * - `/embed.js` is a module script other sites load: module scripts are fetched with CORS, so it
 *   needs `Access-Control-Allow-Origin`; `Cross-Origin-Resource-Policy: cross-origin` lets a host
 *   with `Cross-Origin-Embedder-Policy` load it too.
 * - `/embed.html` is framed by other sites: a host with COEP only loads a cross-origin frame that
 *   allows it with CORP `cross-origin` (and has its own COEP, which every page here sends). It
 *   also carries the widget's own Content-Security-Policy (`embedFrameCsp`).
 *
 * Everything the frame loads after that (scripts, the worker, ONNX Runtime, the model) comes from
 * our own origin, so `same-origin` stays right for it.
 *
 * This file is the one place these headers are written: scripts/serve.ts sends them, and
 * scripts/build/embed-loader.ts sends them from `vite` (development) and `vite preview`.
 */

/**
 * Where curated Hub models are downloaded from (workers/models/model-location.ts `HUB_HOST`): the Hub
 * answers a file request with a redirect to its LFS CDN or, for Xet-stored files, to the Xet
 * bridge, and `connect-src` is checked again for every redirect hop.
 */
export const HUB_CONNECT_SOURCES = ['https://huggingface.co', 'https://cdn-lfs.huggingface.co', 'https://*.hf.co'] as const;

export type HeaderMode = 'production' | 'development';

/**
 * The Content-Security-Policy of the framed chat (embed.html). The frame runs untrusted model
 * output through a sanitiser (src/chat/markdown.ts); this policy is the second wall, so that even
 * markup that got through could run no script, load nothing from another origin and send nothing
 * anywhere but to us (and the Hub, for Hub-hosted models).
 *
 * - `script-src 'self' 'wasm-unsafe-eval'`: our bundles only, no inline script or eval. WASM
 *   compilation is allowed because ONNX Runtime compiles its `.wasm` and, in browsers that apply
 *   the creating document's policy to a worker, the model worker is under this policy too.
 * - `worker-src 'self'`: the model worker is a same-origin script (Vite's `new Worker(new URL())`);
 *   ONNX Runtime's WASM threads are started by that worker, under the worker's own policy.
 * - `connect-src 'self'` plus the Hub: models on our origin (the default, `public/models/`) are
 *   same-origin; curated models not served here come from the Hub (fetched by the worker).
 * - `img-src 'self' blob:`: attached images are shown from object URLs; Markdown never renders an
 *   image (it shows a placeholder), and nothing here uses `data:` images.
 * - `style-src 'self'`: one stylesheet. React sets `style` props through the CSSOM, which CSP does
 *   not govern, and the sanitiser drops `style` attributes, so `'unsafe-inline'` is not needed.
 * - `frame-ancestors *`: the widget exists to be framed by any site. A deployment built with
 *   `VITE_EMBED_ALLOWED_ORIGINS` should send its list here instead (`embedFrameCsp({ frameAncestors })`);
 *   the frame refuses other hosts itself either way (src/embed/gate.ts).
 *
 * In development, Vite's dev server injects the React refresh preamble as an inline script,
 * imported CSS as `<style>` elements, and talks to its HMR WebSocket: those three are allowed there
 * only. The production policy is the one the e2e tests check.
 */
export function embedFrameCsp({ mode = 'production', frameAncestors = ['*'] }: { mode?: HeaderMode; frameAncestors?: readonly string[] } = {}): string {
  const dev = mode === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${dev ? " 'unsafe-inline'" : ''}`,
    "worker-src 'self'",
    `connect-src 'self' ${HUB_CONNECT_SOURCES.join(' ')}${dev ? ' ws: wss:' : ''}`,
    "img-src 'self' blob:",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
}

/** The headers by exact URL path, for a production build or Vite's dev server. */
export function embedPathHeadersFor(mode: HeaderMode): Record<string, Record<string, string>> {
  return {
    '/embed.js': {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    },
    '/embed.html': {
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Content-Security-Policy': embedFrameCsp({ mode }),
    },
  };
}

/** What a production server sends (scripts/serve.ts, `vite preview`). */
export const embedPathHeaders = embedPathHeadersFor('production');
