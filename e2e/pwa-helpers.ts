/** Shared steps of the PWA tests: open the app under its service worker, load, ask, read storage, record what the page shows. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { FileSpec } from './chat-helpers.ts';
import type { Fault } from './pwa-server.ts';
import { TEST_MODEL_ID } from './fixtures.ts';
import type { GenerateResult, LoadProgress, LoadResult } from '../workers/protocol.ts';

/** A red circle at the top left and a blue square at the bottom right, for the built-in model (scripts/image-fixtures/make.py). */
export const shapesScene: FileSpec = { name: 'scene.webp', mimeType: 'image/webp', buffer: readFileSync(path.join(import.meta.dirname, 'fixtures', 'formats', 'scene.webp')) };

/** The production build under test (playwright.config.ts' E2E_DIST). */
export const DIST = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');

/** The test model's files as listed, with size and sha256, in the build's /models/index.json. */
export function testModelFiles(): { path: string; size: number; sha256: string }[] {
  const index = JSON.parse(readFileSync(path.join(DIST, 'models/index.json'), 'utf8')) as { models: { id: string; files: { path: string; size: number; sha256: string }[] }[] };
  return index.models.find((model) => model.id === TEST_MODEL_ID)!.files;
}

export const testModelPath = (file: string) => `/models/${TEST_MODEL_ID}/${file}`;

/** Opens the app and waits until the service worker is active and controls the page. */
export async function openControlled(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** One change recorded by `recordShown`: what was shown, and when (the page's clock, ms). */
export interface Shown {
  value: string;
  at: number;
}

/**
 * Records what the chat page shows at `selector` from now on: its `attribute` (or its text), or
 * 'none' while absent, each change once; the returned function reads the record. A state that
 * lasts less than a poll (a retry that fails at once) is still recorded.
 */
export async function recordShown(page: Page, selector: string, attribute?: string): Promise<() => Promise<Shown[]>> {
  const key = `shown:${selector}:${attribute ?? 'text'}`;
  await page.evaluate(
    ({ key, selector, attribute }) => {
      const seen: { value: string; at: number }[] = [];
      (window as unknown as Record<string, typeof seen>)[key] = seen;
      const note = () => {
        const element = document.querySelector(selector);
        const value = element ? ((attribute ? element.getAttribute(attribute) : element.textContent) ?? '') : 'none';
        if (seen.at(-1)?.value !== value) seen.push({ value, at: performance.now() });
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { key, selector, attribute },
  );
  return () => page.evaluate((key) => (window as unknown as Record<string, Shown[]>)[key]!, key);
}

/** A string matched literally inside a RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Per file, the last progress the page saw. */
export type FileProgressSeen = Record<string, { loaded: number; total: number; done: boolean }>;

export type LoadOutcome =
  | { ok: true; result: LoadResult; files: FileProgressSeen }
  | { ok: false; name: string; message: string; facts: Record<string, unknown> | undefined; files: FileProgressSeen };

/** Loads the test model on WASM through the page's bridge; a failure comes back as name, message and facts. */
export async function loadTestModel(page: Page): Promise<LoadOutcome> {
  return page.evaluate(async (id) => {
    const files: FileProgressSeen = {};
    const onProgress = (progress: LoadProgress) => progress.files.forEach(({ file, loaded, total, done }) => (files[file] = { loaded, total, done }));
    try {
      const result = await window.vlm.load(id, { device: 'wasm' }, onProgress);
      return { ok: true as const, result, files };
    } catch (error) {
      const { name, message, facts } = error as Error & { facts?: Record<string, unknown> };
      return { ok: false as const, name, message, facts, files };
    }
  }, TEST_MODEL_ID);
}

/** A short greedy answer to a text question (deterministic: the same model gives the same text). */
export async function ask(page: Page, maxNewTokens = 12): Promise<GenerateResult> {
  return page.evaluate(
    (max) => window.vlm.generate([{ role: 'user', text: 'Describe a sunny day.' }], { maxNewTokens: max, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' }, () => undefined),
    maxNewTokens,
  );
}

export interface StoredEntry {
  url: string;
  status: number;
  /** Bytes actually in the stored body, and their sha256 computed now. */
  bytes: number;
  sha256: string;
  headers: Record<string, string>;
}

/** Everything in the model cache, with each body measured and hashed in the page. */
export async function storedModelFiles(page: Page): Promise<StoredEntry[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('vlm-models-v1');
    const out: StoredEntry[] = [];
    for (const request of await cache.keys()) {
      const response = (await cache.match(request))!;
      const body = await response.arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      out.push({
        url: request.url,
        status: response.status,
        bytes: body.byteLength,
        sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
        headers: Object.fromEntries(response.headers.entries()),
      });
    }
    return out;
  });
}

/**
 * Injects a fault into a model file with `page.route` (it intercepts the model worker's requests):
 * the request still reaches the server, whose answer is then spoiled. Range requests pass.
 */
export async function routeFault(page: Page, pathname: string, fault: Exclude<Fault, 'drop-mid-body' | 'stall'>, times = Infinity): Promise<void> {
  let used = 0;
  await page.route(`**${pathname}`, async (route) => {
    if (route.request().headers()['range'] || used >= times) return route.fallback();
    used++;
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    if (fault === 'status-500') return route.fulfill({ status: 500, contentType: 'text/plain', body: 'Internal Server Error' });
    if (fault === 'html') return route.fulfill({ response, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><body><div id="root"></div></body></html>' });
    if (fault === 'truncate') return route.fulfill({ response, body: body.subarray(0, body.length >> 1) });
    body[body.length >> 1]! ^= 0xff;
    return route.fulfill({ response, body });
  });
}
