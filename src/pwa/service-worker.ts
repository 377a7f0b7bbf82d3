/**
 * Registers the service worker (production builds only) and turns its lifecycle into one small
 * state the UI can show: a new version is announced as "update available", and it replaces the
 * running one only when the user accepts and the app is not generating an answer.
 */
import { Workbox } from 'workbox-window';

/** Where the update flow stands. */
export type UpdateState =
  | { kind: 'current' }
  /** A new version is installed and waits for the user. */
  | { kind: 'available' }
  /** The user accepted; the page reloads once the new version controls it. */
  | { kind: 'reloading' };

/** What `applyUpdate` did. */
export type ApplyOutcome = 'reloading' | 'busy' | 'no-update';

export interface PwaController {
  state(): UpdateState;
  /** Calls `listener` on every change (not with the current state); returns the unsubscribe. */
  subscribe(listener: (state: UpdateState) => void): () => void;
  /**
   * Activates the waiting version and reloads, unless `isBusy()` says an answer is being
   * generated ('busy': nothing happens, ask again later).
   */
  applyUpdate(): Promise<ApplyOutcome>;
  /** Asks the server for a new version now (the browser also checks on navigation). */
  checkForUpdate(): Promise<void>;
}

export interface RegisterOptions {
  /** True while the app must not be reloaded, e.g. while the model generates an answer. */
  isBusy: () => boolean | Promise<boolean>;
  /** The service worker script. */
  url?: string;
  /** Reload hook (tests replace it). */
  reload?: () => void;
}

/** A controller that never has updates: development builds and browsers without service workers. */
function inertController(): PwaController {
  return {
    state: () => ({ kind: 'current' }),
    subscribe: () => () => undefined,
    applyUpdate: async () => 'no-update',
    checkForUpdate: async () => undefined,
  };
}

/** Registers `/sw.js` and returns the update controller. */
export function registerServiceWorker({ isBusy, url = '/sw.js', reload = () => window.location.reload() }: RegisterOptions): PwaController {
  if (!('serviceWorker' in navigator)) return inertController();
  const workbox = new Workbox(url, { scope: '/' });
  const listeners = new Set<(state: UpdateState) => void>();
  let current: UpdateState = { kind: 'current' };
  const set = (next: UpdateState) => {
    current = next;
    for (const listener of [...listeners]) listener(next);
  };

  // A version installed and waiting, now or from an earlier visit.
  workbox.addEventListener('waiting', () => {
    if (current.kind === 'current') set({ kind: 'available' });
  });
  workbox.addEventListener('controlling', (event) => {
    // Another tab accepted the update: this page's files are now from the old version.
    if (event.isExternal && current.kind === 'current') set({ kind: 'available' });
  });
  void workbox.register().catch((error: unknown) => console.warn('The service worker did not register; the app works but not offline.', error));

  return {
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async applyUpdate() {
      if (current.kind === 'reloading') return 'reloading';
      if (current.kind !== 'available') return 'no-update';
      if (await isBusy()) return 'busy';
      set({ kind: 'reloading' });
      const registration = await navigator.serviceWorker.getRegistration('/');
      if (!registration?.waiting) {
        // Already active (accepted in another tab): the new files are served, only reload.
        reload();
        return 'reloading';
      }
      workbox.addEventListener('controlling', () => reload());
      workbox.messageSkipWaiting();
      return 'reloading';
    },
    async checkForUpdate() {
      await workbox.update();
    },
  };
}

/** The production controller, or an inert one in development (Vite's dev server has no SW). */
export function startPwa(options: RegisterOptions): PwaController {
  return import.meta.env.PROD ? registerServiceWorker(options) : inertController();
}
