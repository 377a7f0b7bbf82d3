/**
 * blob: URLs shared per Blob and revoked once no component shows it any more. Counting users
 * (instead of creating a URL per component in an effect) keeps thumbnails stable across re-renders
 * and StrictMode's mount-unmount-mount, and frees image memory when a chat is closed.
 */
import { useEffect } from 'react';

interface Entry {
  url: string;
  users: number;
  revokeTimer: ReturnType<typeof setTimeout> | null;
}

const entries = new Map<Blob, Entry>();
/** Grace period before an unused URL is revoked (covers remounts and renders never committed). */
const REVOKE_AFTER_MS = 5000;

function scheduleRevoke(blob: Blob, entry: Entry): void {
  if (entry.revokeTimer) clearTimeout(entry.revokeTimer);
  entry.revokeTimer = setTimeout(() => {
    if (entry.users > 0) return;
    URL.revokeObjectURL(entry.url);
    entries.delete(blob);
  }, REVOKE_AFTER_MS);
}

function urlFor(blob: Blob): string {
  let entry = entries.get(blob);
  if (!entry) {
    entry = { url: URL.createObjectURL(blob), users: 0, revokeTimer: null };
    entries.set(blob, entry);
    scheduleRevoke(blob, entry);
  }
  return entry.url;
}

function acquire(blob: Blob): void {
  urlFor(blob);
  const entry = entries.get(blob)!;
  entry.users++;
  if (entry.revokeTimer) clearTimeout(entry.revokeTimer);
  entry.revokeTimer = null;
}

function release(blob: Blob): void {
  const entry = entries.get(blob);
  if (!entry) return;
  entry.users = Math.max(0, entry.users - 1);
  if (entry.users === 0) scheduleRevoke(blob, entry);
}

/** A blob: URL for the Blob, valid while the calling component is mounted. */
export function useObjectUrl(blob: Blob | null | undefined): string | undefined {
  useEffect(() => {
    if (!blob) return;
    acquire(blob);
    return () => release(blob);
  }, [blob]);
  return blob ? urlFor(blob) : undefined;
}
