/**
 * Headers that make the page cross-origin isolated, so ONNX Runtime's WASM backend can use
 * SharedArrayBuffer threads. Both the dev server and the production server send them.
 * `credentialless` (rather than `require-corp`) still lets people load images from other origins.
 */
export const crossOriginIsolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
