/**
 * Origins for the widget tests: the app (the config's baseURL, serving the build with its
 * production headers), the demo shop as host page (http://localhost:<port>, scripts/serve-demo.ts),
 * and an attacker (http://127.0.0.1:<another port>: same host as the app, different origin).
 */
import type { BrowserContext, Frame, Page } from '@playwright/test';
import { createServer } from 'node:http';
import path from 'node:path';
import { createStaticHandler, type StaticServerOptions } from '../scripts/serve.ts';
import { startDemoServer, type DemoServerOptions } from '../scripts/serve-demo.ts';
import { TEST_MODEL_ID } from './fixtures.ts';

export interface Server {
  url: string;
  close: () => Promise<void>;
}

export function appOriginOf(baseURL: string | undefined): string {
  if (!baseURL) throw new Error('playwright.config.ts must set use.baseURL (the app origin).');
  return new URL(baseURL).origin;
}

/** The demo shop on its own origin, embedding the test model. */
export function startHost(appOrigin: string, options: Partial<DemoServerOptions> = {}): Promise<Server> {
  return startDemoServer({ appOrigin, port: 0, host: 'localhost', model: TEST_MODEL_ID, crossOriginIsolated: true, ...options });
}

/**
 * scripts/serve.ts' handler on an ephemeral port of 127.0.0.1. Unlike `startStaticServer`, closing
 * also drops the browser's kept-alive connections, which would otherwise hold `close()` for seconds.
 */
export async function startServer(options: StaticServerOptions): Promise<Server> {
  const server = createServer(createStaticHandler(options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A third origin serving e2e/embed-attacker/. It may be framed by an isolated host page. */
export function startAttacker(): Promise<Server> {
  return startServer({
    root: path.join(import.meta.dirname, 'embed-attacker'),
    headers: { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    pathHeaders: {},
  });
}

/** The widget's frame once it has accepted its host's handshake. */
export async function connectedWidget(page: Page, hostOrigin: string): Promise<Frame> {
  let widget: Frame | undefined;
  await expectEventually(async () => {
    widget = page.frames().find((frame) => frame.url().split('?')[0]!.endsWith('/embed.html'));
    if (!widget) return false;
    return widget.evaluate((origin) => window.vlmEmbed?.link.hostOrigin === origin, hostOrigin).catch(() => false);
  }, 'the widget frame to connect to its host page');
  return widget!;
}

async function expectEventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

/** A Content-Security-Policy violation as the frame's `securitypolicyviolation` event reported it. */
export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
}

/**
 * Records every CSP violation in the widget frames of this context (`window.cspViolations`),
 * from before the frame's first script runs. Playwright's init scripts are not subject to CSP.
 */
export async function recordCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (!location.pathname.endsWith('/embed.html')) return;
    const violations: { directive: string; blocked: string; sample: string }[] = [];
    (window as unknown as { cspViolations: typeof violations }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample }),
    );
  });
}

export function cspViolations(widget: Frame): Promise<CspViolation[]> {
  return widget.evaluate(() => (window as unknown as { cspViolations: CspViolation[] }).cspViolations);
}

/** What the host page saw: every event `<vlm-chat>` dispatched, in order. */
export interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

/** Records the element's events in the host page (`window.widgetEvents`). */
export async function recordWidgetEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const events: { type: string; detail: Record<string, unknown> }[] = [];
    (window as unknown as { widgetEvents: typeof events }).widgetEvents = events;
    const chat = document.querySelector('vlm-chat')!;
    for (const type of ['ready', 'progress', 'token', 'done', 'error']) {
      chat.addEventListener(type, (event) => events.push({ type, detail: (event as CustomEvent).detail }));
    }
  });
}

export function widgetEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents);
}

