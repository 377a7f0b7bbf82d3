/**
 * `<vlm-chat>`: the element a host page adds. It frames our embed.html (next to embed.js, at our
 * origin, so the model runs and is cached there) and gives the host a small API: `ask()`,
 * `stop()`, `reset()` and the events ready / progress / token / done / error.
 *
 * Everything crosses as postMessage with an explicit target origin (ours), and only messages
 * from that frame's window at our origin that parse (src/embed/protocol.ts) are read.
 */
import {
  configToSearch,
  EMBED_LIMITS,
  envelope,
  errorNameForHost,
  parseFrameEvent,
  THEMES,
  type EmbedConfig,
  type FrameEvent,
  type HostCommand,
  type Theme,
} from '../embed/protocol.ts';
import { EmbedError } from './embed-error.ts';
import { toImageBytes, type HostImage } from './image-bytes.ts';

/**
 * Where embed.js was loaded from; the frame lives next to it, at our origin. index.ts (the entry,
 * which is embed.js itself) sets it: in development this module has a URL of its own.
 */
let scriptUrl = import.meta.url;
let appOrigin = new URL(scriptUrl).origin;
export function setEmbedScriptUrl(url: string): void {
  scriptUrl = url;
  appOrigin = new URL(url).origin;
}
/** From the frame's load event to its answer; only a blocked or broken frame takes longer. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

const STYLE = `
:host{display:block;inline-size:100%;max-inline-size:40rem;block-size:clamp(22rem,70vh,36rem)}
:host([hidden]){display:none}
iframe{display:block;inline-size:100%;block-size:100%;border:0;border-radius:12px}`;

/** One question from the host page. */
export interface AskRequest {
  text: string;
  images?: HostImage | readonly HostImage[];
  /** Length limit of the answer in tokens (1–1024); the widget's default when omitted. */
  maxNewTokens?: number;
  /** Aborting stops this answer and rejects with the signal's reason. */
  signal?: AbortSignal;
}

type EventDetail<K extends FrameEvent['kind']> = Omit<Extract<FrameEvent, { kind: K }>, 'kind'>;

/** The events `<vlm-chat>` dispatches, each a CustomEvent. */
export interface VlmChatEventMap {
  ready: CustomEvent<EventDetail<'ready'>>;
  progress: CustomEvent<EventDetail<'progress'>>;
  token: CustomEvent<EventDetail<'token'>>;
  done: CustomEvent<EventDetail<'done'>>;
  error: CustomEvent<EventDetail<'error'>>;
}

interface PendingAsk {
  /** Posted to the current frame document (asks waiting for the handshake are not). */
  sent: boolean;
  resolve: (text: string) => void;
  reject: (error: unknown) => void;
}

type Link =
  | { kind: 'closed' }
  | { kind: 'connecting'; timer: ReturnType<typeof setTimeout> }
  | { kind: 'open' }
  | { kind: 'failed'; error: EmbedError };

const ATTRIBUTES = ['model', 'theme', 'placeholder', 'starter', 'allow-model-change'];

export class VlmChatElement extends HTMLElement {
  static readonly observedAttributes = ATTRIBUTES;

  #frame: HTMLIFrameElement | null = null;
  #link: Link = { kind: 'closed' };
  /** Calls waiting for the handshake. */
  #waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #asks = new Map<string, PendingAsk>();
  #askCount = 0;
  /** Bumped by stop() and reset(): asks still being prepared then are not sent. */
  #stops = 0;
  /** The configuration the frame has (from its URL or the last `configure`). */
  #frameConfig = '';

  connectedCallback(): void {
    if (!this.shadowRoot) {
      // A constructed sheet, not a <style>: a host CSP without 'unsafe-inline' styles allows it.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.attachShadow({ mode: 'open' }).adoptedStyleSheets = [sheet];
    }
    window.addEventListener('message', this.#onMessage);
    this.#frameConfig = configToSearch(this.#config());
    const frame = document.createElement('iframe');
    // Lets the frame be cross-origin isolated (WASM threads) when the host page is.
    frame.allow = 'cross-origin-isolated';
    frame.title = 'Image chat (runs on your device)';
    frame.setAttribute('part', 'frame');
    frame.addEventListener('load', () => this.#hello());
    frame.src = new URL(`embed.html?${this.#frameConfig}`, scriptUrl).href;
    this.#frame = frame;
    this.shadowRoot!.replaceChildren(frame);
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#frame?.remove();
    this.#frame = null;
    this.#fail(new EmbedError('EmbedUnavailableError', 'The <vlm-chat> element was removed from the page.'));
    this.#link = { kind: 'closed' };
  }

  attributeChangedCallback(): void {
    this.#syncConfig();
  }

  /** Asks about images the page already has; resolves with the answer, emitting `token` events while it streams. */
  ask(request: AskRequest): Promise<string> {
    const text: unknown = request?.text;
    const images = request?.images === undefined ? [] : Array.isArray(request.images) ? [...request.images] : [request.images];
    const maxNewTokens = request?.maxNewTokens ?? null;
    const signal = request?.signal;
    if (typeof text !== 'string' || text.trim() === '' || text.length > EMBED_LIMITS.textChars) {
      return Promise.reject(new EmbedError('InvalidRequestError', `ask() needs { text } of 1 to ${EMBED_LIMITS.textChars} characters.`));
    }
    if (images.length > EMBED_LIMITS.images) {
      return Promise.reject(new EmbedError('InvalidRequestError', `ask() takes at most ${EMBED_LIMITS.images} images.`));
    }
    if (maxNewTokens !== null && !(Number.isInteger(maxNewTokens) && maxNewTokens >= 1 && maxNewTokens <= EMBED_LIMITS.maxNewTokens)) {
      return Promise.reject(new EmbedError('InvalidRequestError', `maxNewTokens must be a whole number from 1 to ${EMBED_LIMITS.maxNewTokens}.`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = `ask-${++this.#askCount}`;
    const stops = this.#stops;
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#asks.delete(id)) return;
        this.#post({ kind: 'stop', id });
        reject(signal!.reason);
      };
      const settled = () => signal?.removeEventListener('abort', onAbort);
      this.#asks.set(id, {
        sent: false,
        resolve: (answer) => (settled(), resolve(answer)),
        reject: (error) => (settled(), reject(error)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.#send(id, text, images, maxNewTokens, stops);
    });
  }

  /** Stops the answers the page asked for (running or waiting). */
  stop(): void {
    this.#stops += 1;
    this.#post({ kind: 'stop', id: null });
  }

  /** Stops everything and starts a new, empty conversation. */
  reset(): void {
    this.#stops += 1;
    this.#post({ kind: 'reset' });
  }

  async #send(id: string, text: string, images: HostImage[], maxNewTokens: number | null, stops: number): Promise<void> {
    try {
      const encoded = await Promise.all(images.map(toImageBytes));
      await this.#opened();
      const ask = this.#asks.get(id);
      if (!ask) return;
      if (this.#stops !== stops) {
        this.#handle({ kind: 'done', id, text: '', finishReason: 'stopped' });
        return;
      }
      ask.sent = true;
      this.#post({ kind: 'ask', id, text, images: encoded, maxNewTokens }, encoded.map((image) => image.bytes));
    } catch (error) {
      const { name, message } = error as Error;
      this.#handle({ kind: 'error', id, name: errorNameForHost(name), message: String(message).slice(0, EMBED_LIMITS.messageChars) });
    }
  }

  #config(): Partial<EmbedConfig> {
    const config: Partial<EmbedConfig> = {
      allowModelChange: this.hasAttribute('allow-model-change'),
      preload: this.hasAttribute('preload'),
    };
    const model = this.getAttribute('model');
    if (model && /^[\w.-]{1,100}$/.test(model)) config.model = model;
    const theme = this.getAttribute('theme');
    if (THEMES.includes(theme as Theme)) config.theme = theme as Theme;
    for (const name of ['placeholder', 'starter'] as const) {
      const value = this.getAttribute(name);
      if (value !== null) config[name] = value.slice(0, EMBED_LIMITS.labelChars);
    }
    return config;
  }

  /** Sends attribute changes to a connected frame (a frame still loading gets them on welcome). */
  #syncConfig(): void {
    if (this.#link.kind !== 'open') return;
    const config = this.#config();
    const search = configToSearch(config);
    if (search === this.#frameConfig) return;
    this.#frameConfig = search;
    this.#post({ kind: 'configure', config });
  }

  #opened(): Promise<void> {
    if (this.#link.kind === 'open') return Promise.resolve();
    if (this.#link.kind === 'failed') return Promise.reject(this.#link.error);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Each load of the frame is a new document: say hello to it. */
  #hello(): void {
    if (this.#link.kind === 'connecting') clearTimeout(this.#link.timer);
    for (const [id, ask] of [...this.#asks]) {
      if (ask.sent) this.#handle({ kind: 'error', id, name: 'EmbedUnavailableError', message: 'The chat frame reloaded; ask again.' });
    }
    const timer = setTimeout(() => {
      this.#fail(
        new EmbedError(
          'EmbedUnavailableError',
          `The chat frame at ${appOrigin} did not answer. Check that this page's Content-Security-Policy allows it in frame-src.`,
        ),
      );
    }, HANDSHAKE_TIMEOUT_MS);
    this.#link = { kind: 'connecting', timer };
    this.#post({ kind: 'hello' }, [], true);
  }

  #post(command: HostCommand, transfer: Transferable[] = [], beforeWelcome = false): void {
    if (this.#link.kind !== 'open' && !beforeWelcome) return;
    this.#frame?.contentWindow?.postMessage(envelope(command), appOrigin, transfer);
  }

  #onMessage = (event: MessageEvent): void => {
    if (!this.#frame || event.source !== this.#frame.contentWindow || event.origin !== appOrigin) return;
    const parsed = parseFrameEvent(event.data);
    if (parsed.ok) this.#handle(parsed.value);
  };

  #handle(event: FrameEvent): void {
    switch (event.kind) {
      case 'welcome':
        if (this.#link.kind !== 'connecting') return;
        clearTimeout(this.#link.timer);
        this.#link = { kind: 'open' };
        this.#syncConfig();
        if (this.hasAttribute('preload')) this.#post({ kind: 'load' });
        for (const waiter of this.#waiting.splice(0)) waiter.resolve();
        return;
      case 'refused':
        this.#fail(new EmbedError('EmbedNotAllowedError', event.message));
        return;
      case 'progress':
      case 'ready':
        this.#emit(event);
        return;
      case 'token':
        if (this.#asks.has(event.id)) this.#emit(event);
        return;
      case 'done':
      case 'error': {
        const ask = event.id === null ? undefined : this.#asks.get(event.id);
        if (event.id !== null && !ask) return;
        if (event.id !== null) this.#asks.delete(event.id);
        this.#emit(event);
        if (event.kind === 'done') ask?.resolve(event.text);
        else ask?.reject(new EmbedError(event.name, event.message));
        return;
      }
    }
  }

  #emit({ kind, ...detail }: FrameEvent): void {
    this.dispatchEvent(new CustomEvent(kind, { detail }));
  }

  /** The frame is gone or refused us: fail everything waiting on it. */
  #fail(error: EmbedError): void {
    if (this.#link.kind === 'connecting') clearTimeout(this.#link.timer);
    this.#link = { kind: 'failed', error };
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    for (const id of [...this.#asks.keys()]) this.#handle({ kind: 'error', id, name: error.name, message: error.message });
    this.#emit({ kind: 'error', id: null, name: error.name, message: error.message });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'vlm-chat': VlmChatElement;
  }
}
