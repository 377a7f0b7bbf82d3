import { gzipSync } from 'node:zlib';

export const EMBED_LOADER_FILE = 'embed.js';
/**
 * Size budget of embed.js, minified (docs/embedding.md). Host pages load it on every view, so it
 * stays a few KB: the chat UI and the model runtime load inside the frame, at our origin.
 */
export const EMBED_LOADER_BUDGET = { bytes: 10 * 1024, gzipBytes: 4 * 1024 };

/** Measures a built embed.js against the budget; `problem` says what is over, or is null. */
export function checkEmbedLoaderSize(code: string | Uint8Array): { bytes: number; gzipBytes: number; problem: string | null } {
  const bytes = Buffer.byteLength(code);
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  const over = bytes > EMBED_LOADER_BUDGET.bytes || gzipBytes > EMBED_LOADER_BUDGET.gzipBytes;
  return {
    bytes,
    gzipBytes,
    problem: over
      ? `${EMBED_LOADER_FILE} is ${bytes} B (${gzipBytes} B gzipped); the budget is ${EMBED_LOADER_BUDGET.bytes} B (${EMBED_LOADER_BUDGET.gzipBytes} B gzipped). Move code into the frame (src/embed/) instead.`
      : null,
  };
}
