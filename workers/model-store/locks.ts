/**
 * Web Locks around each model file, so two tabs never download the same file at once: the
 * downloader holds the lock exclusively; readers take it shared, so they wait for a download in
 * progress and then read the finished file. Where Web Locks are missing, a lock within this
 * worker keeps at least one tab's loads apart.
 */
import { modelFileLockName } from '../models/model-cache.ts';

export type LockMode = 'exclusive' | 'shared';

export interface FileLocks {
  run<T>(url: string, mode: LockMode, task: () => Promise<T>): Promise<T>;
}

/**
 * Locks shared by every tab and worker of the origin. A third-party frame without storage access
 * (the embedded widget on a host site, where the browser blocks third-party storage) is refused
 * Web Locks with a SecurityError before the task runs: it falls back to `localLocks`.
 */
export function webLocks(manager: LockManager): FileLocks {
  const local = localLocks();
  return {
    run: async (url, mode, task) => {
      let started = false;
      try {
        return (await manager.request(modelFileLockName(url), { mode }, () => ((started = true), task()))) as Awaited<ReturnType<typeof task>>;
      } catch (error) {
        if (started || (error as Error | null)?.name !== 'SecurityError') throw error;
        return local.run(url, mode, task);
      }
    },
  };
}

/** A fallback inside one worker: every holder is exclusive. */
export function localLocks(): FileLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(url, _mode, task) {
      const previous = tails.get(url) ?? Promise.resolve();
      const current = previous.catch(() => undefined).then(task);
      tails.set(url, current);
      try {
        return await current;
      } finally {
        if (tails.get(url) === current) tails.delete(url);
      }
    },
  };
}

/** Web Locks when the context has them. */
export function defaultLocks(): FileLocks {
  const manager = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  return manager ? webLocks(manager) : localLocks();
}
