/**
 * Where a model's files live, built once: the terms transformers.js builds its URLs from
 * (`env.remoteHost`, `env.remotePathTemplate`, the model name and revision), and the URLs that
 * come out, which are also the files' keys in Cache Storage. The worker points transformers.js
 * and the verified store at them; the page looks the same URLs up. Pure.
 */
import type { ModelEntry } from '../protocol.ts';

/** The Hub's layout, transformers.js' default. */
export const HUB_HOST = 'https://huggingface.co/';
const HUB_PATH_TEMPLATE = '{model}/resolve/{revision}/';

export interface ModelLocation {
  remoteHost: string;
  remotePathTemplate: string;
  /** The model as transformers.js names it (a Hub repository, or the folder under /models/). */
  name: string;
  revision: string;
}

/**
 * Models on our own origin are a "remote" host too (rather than transformers.js' local-files
 * mode), so they take exactly the path a Hub model takes: Range probes for optional files,
 * progress events, Cache Storage.
 */
export function modelLocation(entry: Pick<ModelEntry, 'source'>, origin: string): ModelLocation {
  if (entry.source.kind === 'hub') return { remoteHost: HUB_HOST, remotePathTemplate: HUB_PATH_TEMPLATE, name: entry.source.repo, revision: entry.source.revision };
  const [, parent = '/', folder = ''] = /^(.*\/)([^/]+)\/?$/.exec(entry.source.baseUrl) ?? [];
  return { remoteHost: new URL(parent, origin).href, remotePathTemplate: '{model}/', name: folder, revision: 'main' };
}

/** The URL in front of every file path of the model, ending with `/` (as transformers.js' hub.js pathJoin builds it). */
export function locationBaseUrl({ remoteHost, remotePathTemplate, name, revision }: ModelLocation): string {
  const path = remotePathTemplate.replaceAll('{model}', name).replaceAll('{revision}', encodeURIComponent(revision));
  return `${remoteHost.replace(/\/$/, '')}/${path.replace(/^\//, '').replace(/\/$/, '')}/`;
}

/** The URL a model file is fetched from, and its key in Cache Storage. */
export function modelFileUrl(entry: Pick<ModelEntry, 'source'>, path: string, origin: string): string {
  return `${locationBaseUrl(modelLocation(entry, origin))}${path}`;
}
