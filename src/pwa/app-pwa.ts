/** The app's one service worker controller, busy while the model worker generates. */
import { bridge } from '../bridge/index.ts';
import { startPwa, type PwaController } from './service-worker.ts';

declare global {
  interface Window {
    /** Console and test access to the update flow: `vlmPwa.state()`, `await vlmPwa.applyUpdate()`. */
    vlmPwa: PwaController;
  }
}

let controller: PwaController | null = null;

/** Registers the service worker on first call; later calls return the same controller. */
export function appPwa(): PwaController {
  controller ??= startPwa({ isBusy: async () => (await bridge.status()).running });
  window.vlmPwa = controller;
  return controller;
}
