/**
 * The postMessage protocol between `<vlm-chat>` (embed.js, on the host page) and our frame
 * (embed.html). Both sides import this module; it is pure, so it runs in Node for the unit tests.
 *
 * Every message is one flat object `{ protocol, kind, ...fields }`. A parser accepts exactly the
 * fields its kind allows (no extra keys, no `__proto__`/`constructor`/`prototype` keys, no
 * accessors, bounded sizes) and copies them into a fresh null-prototype object, so nothing a
 * sender controls ever reaches a prototype. Anything that does not parse is ignored.
 */

/** Tags every message; a new incompatible protocol gets a new tag. */
export const EMBED_PROTOCOL = 'vlm-embed/1';

/** Bounds on what crosses the frame boundary. */
export const EMBED_LIMITS = {
  /** Characters of a question. */
  textChars: 4000,
  /** Images in one question. */
  images: 4,
  /** Bytes of one encoded image. */
  imageBytes: 20 * 1024 * 1024,
  /** Upper bound of `maxNewTokens` a host may ask for. */
  maxNewTokens: 1024,
  /** Placeholder and starter text. */
  labelChars: 200,
  /** Error messages and progress lines. */
  messageChars: 500,
} as const;

export type Theme = 'auto' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['auto', 'light', 'dark'];

/** How the element configures the frame (attributes of `<vlm-chat>`). */
export interface EmbedConfig {
  model: string;
  theme: Theme;
  placeholder: string;
  starter: string;
  allowModelChange: boolean;
  preload: boolean;
}

/** An image as it crosses the boundary: encoded bytes (transferred); the frame sniffs the format. */
export interface ImageBytes {
  bytes: ArrayBuffer;
  /** The host's claim (a MIME type); informative only. */
  type: string;
}

/** Host page → frame. */
export type HostCommand =
  | { kind: 'hello' }
  | { kind: 'ask'; id: string; text: string; images: ImageBytes[]; maxNewTokens: number | null }
  /** Stops one ask (`id`) or every ask of the host (`null`). */
  | { kind: 'stop'; id: string | null }
  | { kind: 'reset' }
  | { kind: 'load' }
  | { kind: 'configure'; config: Partial<EmbedConfig> };

/** Why an answer ended, as the host sees it. */
export type EmbedFinishReason = 'eos' | 'length' | 'stopped';
export type EmbedDevice = 'webgpu' | 'wasm';
export type EmbedLoadPhase = 'fetching' | 'creating-sessions' | 'warming-up' | 'ready';

/** Frame → host page. Only ever about what the host asked for (see src/embed/host-link.ts). */
export type FrameEvent =
  | { kind: 'welcome' }
  | { kind: 'refused'; message: string }
  | { kind: 'progress'; phase: EmbedLoadPhase; message: string; loadedBytes: number; totalBytes: number }
  | { kind: 'ready'; model: string; device: EmbedDevice; wasmThreads: number; crossOriginIsolated: boolean }
  | { kind: 'token'; id: string; text: string }
  | { kind: 'done'; id: string; text: string; finishReason: EmbedFinishReason }
  | { kind: 'error'; id: string | null; name: string; message: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

// --- Field checks ---------------------------------------------------------------------------

const INVALID: unique symbol = Symbol('invalid');
type Check = (value: unknown) => unknown;
interface Field {
  check: Check;
  optional?: boolean;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** More keys than any message has: rejects huge objects before looking at them. */
const MAX_KEYS = 12;

const MODEL_ID = /^[\w.-]{1,100}$/;
const ASK_ID = /^[\w-]{1,64}$/;
const ERROR_NAME = /^[A-Za-z]{1,64}$/;

const boundedString = (max: number, min = 0): Check => (value) =>
  typeof value === 'string' && value.length >= min && value.length <= max ? value : INVALID;
const matching = (pattern: RegExp): Check => (value) => (typeof value === 'string' && pattern.test(value) ? value : INVALID);
const oneOf = <T extends string>(options: readonly T[]): Check => (value) =>
  typeof value === 'string' && (options as readonly string[]).includes(value) ? value : INVALID;
const boolean: Check = (value) => (typeof value === 'boolean' ? value : INVALID);
const count: Check = (value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? value : INVALID);
const nullable = (check: Check): Check => (value) => (value === null ? null : check(value));
const tokenLimit: Check = (value) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= EMBED_LIMITS.maxNewTokens ? value : INVALID;

/** True for `{}`-style objects (not arrays, class instances, or objects with accessors). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Copies exactly the listed fields of `value` into a fresh null-prototype object, or says why not.
 * `fixed` are keys already checked by the caller (the envelope).
 */
function parseRecord(value: unknown, fields: Record<string, Field>, fixed: readonly string[] = []): Parsed<Record<string, unknown>> {
  if (!isPlainRecord(value)) return { ok: false, reason: 'not a plain object' };
  const keys = Reflect.ownKeys(value);
  if (keys.length > MAX_KEYS) return { ok: false, reason: 'too many keys' };
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    if (typeof key !== 'string') return { ok: false, reason: 'symbol key' };
    if (FORBIDDEN_KEYS.has(key)) return { ok: false, reason: `forbidden key ${key}` };
    if (fixed.includes(key)) continue;
    if (!Object.hasOwn(fields, key)) return { ok: false, reason: `unknown key ${key.slice(0, 40)}` };
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in descriptor)) return { ok: false, reason: `accessor ${key}` };
    const checked = fields[key]!.check(descriptor.value);
    if (checked === INVALID) return { ok: false, reason: `bad ${key}` };
    out[key] = checked;
  }
  for (const [key, field] of Object.entries(fields)) {
    if (!field.optional && !(key in out)) return { ok: false, reason: `missing ${key}` };
  }
  return { ok: true, value: out };
}

const record = (fields: Record<string, Field>): Check => (value) => {
  const parsed = parseRecord(value, fields);
  return parsed.ok ? parsed.value : INVALID;
};

// Pure: embed.js, which never parses commands, drops it.
const imageBytes: Check = /* @__PURE__ */ record({
  bytes: {
    check: (value) =>
      value instanceof ArrayBuffer && value.byteLength > 0 && value.byteLength <= EMBED_LIMITS.imageBytes ? value : INVALID,
  },
  type: { check: boundedString(100) },
});

const imageList: Check = (value) => {
  if (!Array.isArray(value) || value.length > EMBED_LIMITS.images) return INVALID;
  if (Object.getPrototypeOf(value) !== Array.prototype && Object.getPrototypeOf(value) !== null) return INVALID;
  const images: unknown[] = [];
  for (let index = 0; index < value.length; index += 1) {
    if (!Object.hasOwn(value, index)) return INVALID;
    const image = imageBytes(value[index]);
    if (image === INVALID) return INVALID;
    images.push(image);
  }
  // An array with extra own properties (`{ length, 0, __proto__ }` tricks) is not a plain list.
  return Reflect.ownKeys(value).length === value.length + 1 ? images : INVALID;
};

const label = /* @__PURE__ */ boundedString(EMBED_LIMITS.labelChars);

/** Fields of `EmbedConfig`, each optional (a `configure` command changes some of them). */
const CONFIG_FIELDS: Record<keyof EmbedConfig, Field> = {
  model: { check: matching(MODEL_ID), optional: true },
  theme: { check: oneOf(THEMES), optional: true },
  placeholder: { check: label, optional: true },
  starter: { check: label, optional: true },
  allowModelChange: { check: boolean, optional: true },
  preload: { check: boolean, optional: true },
};

const HOST_COMMANDS: Record<HostCommand['kind'], Record<string, Field>> = {
  hello: {},
  ask: {
    id: { check: matching(ASK_ID) },
    text: { check: boundedString(EMBED_LIMITS.textChars, 1) },
    images: { check: imageList },
    maxNewTokens: { check: nullable(tokenLimit) },
  },
  stop: { id: { check: nullable(matching(ASK_ID)) } },
  reset: {},
  load: {},
  configure: { config: { check: record(CONFIG_FIELDS) } },
};

const FRAME_EVENTS: Record<FrameEvent['kind'], Record<string, Field>> = {
  welcome: {},
  refused: { message: { check: boundedString(EMBED_LIMITS.messageChars) } },
  progress: {
    phase: { check: oneOf<EmbedLoadPhase>(['fetching', 'creating-sessions', 'warming-up', 'ready']) },
    message: { check: boundedString(EMBED_LIMITS.messageChars) },
    loadedBytes: { check: count },
    totalBytes: { check: count },
  },
  ready: {
    model: { check: matching(MODEL_ID) },
    device: { check: oneOf<EmbedDevice>(['webgpu', 'wasm']) },
    wasmThreads: { check: count },
    crossOriginIsolated: { check: boolean },
  },
  token: { id: { check: matching(ASK_ID) }, text: { check: boundedString(EMBED_LIMITS.textChars * 4) } },
  done: {
    id: { check: matching(ASK_ID) },
    // An answer is at most 1024 tokens; this bound only keeps absurd messages out.
    text: { check: boundedString(1_000_000) },
    finishReason: { check: oneOf<EmbedFinishReason>(['eos', 'length', 'stopped']) },
  },
  error: {
    id: { check: nullable(matching(ASK_ID)) },
    name: { check: matching(ERROR_NAME) },
    message: { check: boundedString(EMBED_LIMITS.messageChars) },
  },
};

function parseEnvelope<T extends { kind: string }>(data: unknown, kinds: Record<string, Record<string, Field>>): Parsed<T> {
  if (!isPlainRecord(data)) return { ok: false, reason: 'not a plain object' };
  const protocol = Object.getOwnPropertyDescriptor(data, 'protocol');
  if (!protocol || !('value' in protocol) || protocol.value !== EMBED_PROTOCOL) return { ok: false, reason: 'not this protocol' };
  const kind = Object.getOwnPropertyDescriptor(data, 'kind');
  if (!kind || !('value' in kind) || typeof kind.value !== 'string' || !Object.hasOwn(kinds, kind.value)) {
    return { ok: false, reason: 'unknown kind' };
  }
  const parsed = parseRecord(data, kinds[kind.value]!, ['protocol', 'kind']);
  if (!parsed.ok) return parsed;
  parsed.value.kind = kind.value;
  return { ok: true, value: parsed.value as unknown as T };
}

/** Validates a message the frame received from a host page. */
export function parseHostCommand(data: unknown): Parsed<HostCommand> {
  return parseEnvelope<HostCommand>(data, HOST_COMMANDS);
}

/** Validates a message the element received from the frame. */
export function parseFrameEvent(data: unknown): Parsed<FrameEvent> {
  return parseEnvelope<FrameEvent>(data, FRAME_EVENTS);
}

/** The wire form of a command or event. */
export function envelope<T extends { kind: string }>(message: T): T & { protocol: typeof EMBED_PROTOCOL } {
  return { protocol: EMBED_PROTOCOL, ...message };
}

/** An error's name as the protocol carries it: a plain identifier (workers/errors.ts' names are), else `Error`. */
export function errorNameForHost(name: string): string {
  return ERROR_NAME.test(name) ? name : 'Error';
}

/** Clips a message a person reads to what the protocol carries. */
export function clip(text: string, max: number = EMBED_LIMITS.messageChars): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// --- Configuration in the frame's URL ------------------------------------------------------

export const DEFAULT_EMBED_CONFIG: EmbedConfig = {
  model: 'SmolVLM-256M-Instruct',
  theme: 'auto',
  placeholder: 'Ask about the image…',
  starter: '',
  allowModelChange: false,
  preload: false,
};

/** The frame's query string for a configuration (what the element puts in the iframe URL). */
export function configToSearch(config: Partial<EmbedConfig>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'boolean') {
      if (value) params.set(key, '1');
    } else if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  return params.toString();
}

/** Reads the configuration from the frame's query string; anything invalid falls back to the default. */
export function configFromSearch(search: string): EmbedConfig {
  const params = new URLSearchParams(search);
  const raw: Record<string, unknown> = Object.create(null);
  for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
    const value = params.get(key);
    if (value === null) continue;
    const typed = field.check === boolean ? value === '1' : value;
    if (field.check(typed) !== INVALID) raw[key] = typed;
  }
  return { ...DEFAULT_EMBED_CONFIG, ...(raw as Partial<EmbedConfig>) };
}
