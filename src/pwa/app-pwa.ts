/** The app's one service worker controller, busy while the model worker generates. */
import type { VlmBridge } from '../bridge/index.ts';
import { startPwa, type PwaController } from './service-worker.ts';

declare global {
  interface Window {
    /** Console access to the update flow: `vlmPwa.state()`, `await vlmPwa.applyUpdate()`. */
    vlmPwa: PwaController;
  }
}

let controller: PwaController | null = null;

/**
 * Registers the service worker on the first call (main.tsx, with the page's bridge, which says
 * when an answer is running); later calls return the same controller.
 */
export function appPwa(bridge?: Pick<VlmBridge, 'status'>): PwaController {
  if (!controller && !bridge) throw new Error('appPwa(bridge) registers the service worker first (main.tsx).');
  controller ??= startPwa({ isBusy: async () => (await bridge!.status()).running });
  window.vlmPwa = controller;
  return controller;
}
