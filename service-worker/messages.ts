/** Names the service worker shares with the page (src/pwa spells the same ones). */

/** What workbox-window's `messageSkipWaiting()` posts when the user accepts an update. */
export const SKIP_WAITING_MESSAGE = 'SKIP_WAITING';
/** The origin's model list, kept for offline starts. */
export const MODEL_INDEX_PATH = '/models/index.json';
export const MODEL_INDEX_CACHE = 'vlm-model-index';
