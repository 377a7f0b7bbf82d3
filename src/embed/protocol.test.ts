import { afterEach, describe, expect, it } from 'vitest';
import {
  errorNameForHost,
  configFromSearch,
  configToSearch,
  DEFAULT_EMBED_CONFIG,
  EMBED_LIMITS,
  EMBED_PROTOCOL,
  envelope,
  parseFrameEvent,
  parseHostCommand,
} from './protocol.ts';

const P = EMBED_PROTOCOL;
const png = () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).buffer;
const ask = (extra: Record<string, unknown> = {}) => ({
  protocol: P,
  kind: 'ask',
  id: 'a1',
  text: 'Describe this product photo for a screen reader.',
  images: [{ bytes: png(), type: 'image/png' }],
  maxNewTokens: 64,
  ...extra,
});

function rejected(data: unknown): string {
  const parsed = parseHostCommand(data);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? '' : parsed.reason;
}

afterEach(() => {
  // No test may leave anything on the shared prototypes.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseHostCommand', () => {
  it('accepts each command kind and returns fresh null-prototype objects', () => {
    for (const kind of ['hello', 'reset', 'load'] as const) {
      const parsed = parseHostCommand({ protocol: P, kind });
      expect(parsed).toEqual({ ok: true, value: expect.objectContaining({ kind }) });
      if (parsed.ok) expect(Object.getPrototypeOf(parsed.value)).toBeNull();
    }
    expect(parseHostCommand({ protocol: P, kind: 'stop', id: null }).ok).toBe(true);
    expect(parseHostCommand({ protocol: P, kind: 'stop', id: 'a1' }).ok).toBe(true);
    expect(parseHostCommand({ protocol: P, kind: 'stop' }).ok).toBe(false);
    const input = ask();
    const parsed = parseHostCommand(input);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'ask') throw new Error('expected an ask');
    expect(parsed.value).not.toBe(input);
    expect(Object.getPrototypeOf(parsed.value)).toBeNull();
    expect(Object.getPrototypeOf(parsed.value.images[0])).toBeNull();
    expect(parsed.value.images[0]!.bytes).toBe(input.images[0]!.bytes);
    expect(parsed.value.maxNewTokens).toBe(64);
    expect('protocol' in parsed.value).toBe(false);
  });

  it('accepts a configure command with some fields, and an ask without a token limit', () => {
    expect(parseHostCommand({ protocol: P, kind: 'configure', config: { theme: 'dark', model: 'SmolVLM-test-tiny' } }).ok).toBe(true);
    expect(parseHostCommand({ protocol: P, kind: 'configure', config: {} }).ok).toBe(true);
    expect(parseHostCommand(ask({ maxNewTokens: null, images: [] })).ok).toBe(true);
  });

  it('ignores anything that is not this protocol', () => {
    for (const data of [null, undefined, 0, 'hello', [], [P, 'hello'], new Date(), { kind: 'hello' }, { protocol: 'vlm-embed/0', kind: 'hello' }]) {
      rejected(data);
    }
    rejected({ protocol: P, kind: 'generate' });
    // Inherited names are not kinds.
    for (const kind of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) rejected({ protocol: P, kind });
  });

  it('rejects __proto__, constructor and prototype keys at any level, however they arrive', () => {
    const viaJson = JSON.parse(`{"protocol":"${P}","kind":"stop","id":null,"__proto__":{"polluted":true}}`);
    expect(rejected(viaJson)).toBe('forbidden key __proto__');
    // structuredClone (what postMessage does) keeps an own __proto__ key as data.
    expect(rejected(structuredClone(viaJson))).toBe('forbidden key __proto__');
    expect(rejected({ protocol: P, kind: 'stop', id: null, constructor: { prototype: { polluted: true } } })).toBe('forbidden key constructor');
    expect(rejected({ protocol: P, kind: 'stop', id: null, prototype: {} })).toBe('forbidden key prototype');
    const nestedConfig = JSON.parse(`{"protocol":"${P}","kind":"configure","config":{"__proto__":{"polluted":true}}}`);
    expect(rejected(nestedConfig)).toBe('bad config');
    const nestedImage = ask({ images: [JSON.parse('{"__proto__":{"polluted":true},"type":"image/png"}')] });
    expect(rejected(nestedImage)).toBe('bad images');
    const image = { bytes: png(), type: 'image/png', constructor: 1 };
    expect(rejected(ask({ images: [image] }))).toBe('bad images');
  });

  it('rejects objects that are not plain data', () => {
    expect(rejected(Object.create({ protocol: P, kind: 'stop', id: null }))).toBe('not a plain object');
    class Command {
      protocol = P;
      kind = 'stop';
    }
    expect(rejected(new Command())).toBe('not a plain object');
    const withGetter = { protocol: P, kind: 'ask', id: 'a1', images: [], maxNewTokens: null, get text() { return 'x'; } };
    expect(rejected(withGetter)).toBe('accessor text');
    expect(rejected({ protocol: P, kind: 'stop', id: null, [Symbol('x')]: 1 })).toBe('symbol key');
    const arrayWithExtras = Object.assign([{ bytes: png(), type: 'image/png' }], { polluted: true });
    expect(rejected(ask({ images: arrayWithExtras }))).toBe('bad images');
    // eslint-disable-next-line no-sparse-arrays
    expect(rejected(ask({ images: [, { bytes: png(), type: 'image/png' }] }))).toBe('bad images');
    expect(rejected(ask({ images: [{ bytes: new Uint8Array(4), type: 'image/png' }] }))).toBe('bad images');
  });

  it('rejects wrong shapes: extra, missing and mistyped fields', () => {
    expect(rejected({ protocol: P, kind: 'stop', id: null, text: 'a1' })).toBe('unknown key text');
    expect(rejected(ask({ origin: 'https://shop.example' }))).toBe('unknown key origin');
    const { text: _text, ...noText } = ask();
    expect(rejected(noText)).toBe('missing text');
    expect(rejected(ask({ text: 42 }))).toBe('bad text');
    expect(rejected(ask({ text: '' }))).toBe('bad text');
    expect(rejected(ask({ id: '../../etc' }))).toBe('bad id');
    expect(rejected(ask({ id: 'x'.repeat(65) }))).toBe('bad id');
    for (const maxNewTokens of [0, -1, 1.5, Number.NaN, EMBED_LIMITS.maxNewTokens + 1, '64']) {
      expect(rejected(ask({ maxNewTokens }))).toBe('bad maxNewTokens');
    }
    expect(rejected(ask({ images: { 0: { bytes: png(), type: 'image/png' }, length: 1 } }))).toBe('bad images');
    expect(rejected({ protocol: P, kind: 'configure', config: { theme: 'neon' } })).toBe('bad config');
    expect(rejected({ protocol: P, kind: 'configure', config: { model: '../secrets' } })).toBe('bad config');
    expect(rejected({ protocol: P, kind: 'configure', config: { allowModelChange: 'yes' } })).toBe('bad config');
  });

  it('rejects huge payloads by their size, before using them', () => {
    expect(rejected(ask({ text: 'x'.repeat(EMBED_LIMITS.textChars + 1) }))).toBe('bad text');
    const tooMany = Array.from({ length: EMBED_LIMITS.images + 1 }, () => ({ bytes: png(), type: 'image/png' }));
    expect(rejected(ask({ images: tooMany }))).toBe('bad images');
    const huge = { bytes: new ArrayBuffer(EMBED_LIMITS.imageBytes + 1), type: 'image/png' };
    expect(rejected(ask({ images: [huge] }))).toBe('bad images');
    expect(rejected(ask({ images: [{ bytes: new ArrayBuffer(0), type: 'image/png' }] }))).toBe('bad images');
    const manyKeys: Record<string, unknown> = { protocol: P, kind: 'stop', id: null };
    for (let index = 0; index < 100_000; index += 1) manyKeys[`k${index}`] = index;
    expect(rejected(manyKeys)).toBe('too many keys');
    const longArray = new Array(1_000_000).fill({ bytes: png(), type: 'image/png' });
    expect(rejected(ask({ images: longArray }))).toBe('bad images');
    expect(rejected({ protocol: P, kind: 'configure', config: { starter: 'x'.repeat(EMBED_LIMITS.labelChars + 1) } })).toBe('bad config');
  });
});

describe('parseFrameEvent', () => {
  it('accepts the events the frame sends', () => {
    const events = [
      { kind: 'welcome' },
      { kind: 'refused', message: 'Not enabled for this site.' },
      { kind: 'progress', phase: 'fetching', message: 'Downloading', loadedBytes: 10, totalBytes: 100 },
      { kind: 'ready', model: 'SmolVLM-test-tiny', device: 'wasm', wasmThreads: 1, crossOriginIsolated: false },
      { kind: 'token', id: 'a1', text: ' a' },
      { kind: 'done', id: 'a1', text: 'a b', finishReason: 'length' },
      { kind: 'error', id: null, name: 'ModelLoadError', message: 'Could not fetch config.json' },
      { kind: 'error', id: 'a2', name: 'ImageDecodeError', message: 'Not an image.' },
    ] as const;
    for (const event of events) {
      const parsed = parseFrameEvent(envelope(event));
      expect(parsed).toEqual({ ok: true, value: { ...event } });
    }
  });

  it('rejects forged or malformed events', () => {
    const bad = [
      { protocol: P, kind: 'token', id: 'a1' },
      { protocol: P, kind: 'token', id: 'a1', text: 'x', conversation: [] },
      { protocol: P, kind: 'done', id: 'a1', text: 'x', finishReason: 'error' },
      { protocol: P, kind: 'error', id: null, name: '<img onerror>', message: 'x' },
      { protocol: P, kind: 'progress', phase: 'fetching', message: 'x', loadedBytes: -1, totalBytes: 1 },
      { protocol: P, kind: 'ready', model: 'm', device: 'cuda', wasmThreads: 1, crossOriginIsolated: false },
      { protocol: P, kind: 'hello' },
      JSON.parse(`{"protocol":"${P}","kind":"welcome","__proto__":{"polluted":1}}`),
    ];
    for (const event of bad) expect(parseFrameEvent(event).ok).toBe(false);
  });
});

describe('frame configuration in the URL', () => {
  it('round-trips through the query string', () => {
    const config = { model: 'SmolVLM-test-tiny', theme: 'dark' as const, placeholder: 'Ask & see?', starter: 'What is this?', allowModelChange: true, preload: false };
    expect(configFromSearch(configToSearch(config))).toEqual(config);
    expect(configFromSearch('')).toEqual(DEFAULT_EMBED_CONFIG);
  });

  it('falls back to defaults for invalid values and ignores unknown parameters', () => {
    const config = configFromSearch(`?model=../x&theme=neon&starter=${'x'.repeat(300)}&allowModelChange=1&__proto__=1&constructor=1`);
    expect(config).toEqual({ ...DEFAULT_EMBED_CONFIG, allowModelChange: true });
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
  });
});

describe('errorNameForHost', () => {
  it('passes the runtime\'s names and the frame parser\'s pattern alike, and nothing else', () => {
    expect(errorNameForHost('StorageQuotaError')).toBe('StorageQuotaError');
    expect(errorNameForHost('Error')).toBe('Error');
    expect(errorNameForHost('<img onerror=x>')).toBe('Error');
    expect(errorNameForHost('')).toBe('Error');
    expect(parseFrameEvent(envelope({ kind: 'error', id: null, name: errorNameForHost('Bad Name!'), message: 'x' })).ok).toBe(true);
  });
});
