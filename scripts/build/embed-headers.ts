/**
 * Headers the embeddable widget needs on top of the cross-origin isolation headers every page
 * gets (scripts/build/cross-origin-isolation.ts), by exact URL path:
 *
 * - `/embed.js` is a module script other sites load: module scripts are fetched with CORS, so it
 *   needs `Access-Control-Allow-Origin`; `Cross-Origin-Resource-Policy: cross-origin` lets a host
 *   with `Cross-Origin-Embedder-Policy` load it too.
 * - `/embed.html` is framed by other sites: a host with COEP only loads a cross-origin frame that
 *   allows it with CORP `cross-origin` (and has its own COEP, which every page here sends).
 *
 * Everything the frame loads after that (scripts, the worker, ONNX Runtime, the model) comes from
 * our own origin, so `same-origin` stays right for it.
 */
export const embedPathHeaders: Record<string, Record<string, string>> = {
  '/embed.js': {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  },
  '/embed.html': {
    'Cross-Origin-Resource-Policy': 'cross-origin',
  },
};
