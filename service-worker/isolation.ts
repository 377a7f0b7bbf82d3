/**
 * Every response the service worker serves carries the cross-origin isolation headers (any the
 * server did not send are added), so the page stays `crossOriginIsolated` (WASM threads need
 * SharedArrayBuffer) when it is served offline, and even when a host's own server forgot them.
 */
import { crossOriginIsolationHeaders } from '../scripts/build/cross-origin-isolation.ts';

export function withIsolationHeaders(response: Response): Response {
  // Opaque and error responses cannot be rebuilt; they are never ours to serve anyway.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  let missing = false;
  for (const [name, value] of Object.entries(crossOriginIsolationHeaders)) {
    // Headers the server chose stay (embed.html's CORP is cross-origin so other sites can frame it).
    if (headers.has(name)) continue;
    headers.set(name, value);
    missing = true;
  }
  if (!missing) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A Workbox plugin applying `withIsolationHeaders` to whatever a strategy answers with. */
export const isolationPlugin = {
  handlerWillRespond: async ({ response }: { response: Response }): Promise<Response> => withIsolationHeaders(response),
};
