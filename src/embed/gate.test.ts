import { describe, expect, it } from 'vitest';
import { decide, isAllowedEmbedder, parseAllowlist, type GatePolicy, type GateState } from './gate.ts';
import { EMBED_PROTOCOL } from './protocol.ts';

const HOST = 'https://shop.example';
const OTHER = 'https://ads.example';
const hello = { protocol: EMBED_PROTOCOL, kind: 'hello' };
const stop = { protocol: EMBED_PROTOCOL, kind: 'stop', id: null };
const waiting: GateState = { kind: 'waiting' };
const connected: GateState = { kind: 'connected', hostOrigin: HOST };
const open: GatePolicy = { allowlist: 'any', parentOrigin: null };

describe('decide', () => {
  it('connects on the first hello from the parent and then obeys that origin only', () => {
    expect(decide(waiting, { origin: HOST, fromParent: true, data: hello }, open)).toEqual({ kind: 'connect', hostOrigin: HOST });
    expect(decide(connected, { origin: HOST, fromParent: true, data: stop }, open)).toEqual({ kind: 'command', command: { kind: 'stop', id: null } });
    expect(decide(connected, { origin: OTHER, fromParent: true, data: stop }, open).kind).toBe('ignore');
    // A repeated hello keeps the first origin.
    expect(decide(connected, { origin: HOST, fromParent: true, data: hello }, open)).toEqual({ kind: 'connect', hostOrigin: HOST });
    expect(decide(connected, { origin: OTHER, fromParent: true, data: hello }, open).kind).toBe('ignore');
  });

  it('ignores every window but the parent, whatever it sends', () => {
    for (const data of [hello, stop, { protocol: EMBED_PROTOCOL, kind: 'ask', id: 'a', text: 'hi', images: [], maxNewTokens: null }]) {
      expect(decide(waiting, { origin: HOST, fromParent: false, data }, open)).toEqual({ kind: 'ignore', reason: 'not from the embedding page' });
      expect(decide(connected, { origin: HOST, fromParent: false, data }, open).kind).toBe('ignore');
    }
  });

  it('takes no command before the handshake', () => {
    expect(decide(waiting, { origin: HOST, fromParent: true, data: stop }, open)).toEqual({ kind: 'ignore', reason: 'no handshake yet' });
  });

  it('requires the origin the browser reports for the parent, when it reports one', () => {
    const policy: GatePolicy = { allowlist: 'any', parentOrigin: HOST };
    expect(decide(waiting, { origin: OTHER, fromParent: true, data: hello }, policy).kind).toBe('ignore');
    expect(decide(waiting, { origin: HOST, fromParent: true, data: hello }, policy).kind).toBe('connect');
  });

  it('refuses a parent the allowlist does not name, and opaque origins', () => {
    const policy: GatePolicy = { allowlist: [HOST], parentOrigin: null };
    expect(decide(waiting, { origin: OTHER, fromParent: true, data: hello }, policy)).toEqual({ kind: 'refuse', origin: OTHER });
    expect(decide(waiting, { origin: HOST, fromParent: true, data: hello }, policy).kind).toBe('connect');
    expect(decide(waiting, { origin: 'null', fromParent: true, data: hello }, open)).toEqual({ kind: 'refuse', origin: 'null' });
  });

  it('runs nothing malformed from the right sender either, but tells it which ask failed', () => {
    const polluting = JSON.parse(`{"protocol":"${EMBED_PROTOCOL}","kind":"stop","id":null,"__proto__":{"x":1}}`);
    expect(decide(connected, { origin: HOST, fromParent: true, data: polluting }, open)).toEqual({ kind: 'invalid', reason: 'forbidden key __proto__', askId: null });
    const badAsk = { protocol: EMBED_PROTOCOL, kind: 'ask', id: 'ask-7', text: 'hi', images: [{ bytes: new ArrayBuffer(0), type: 'image/png' }], maxNewTokens: null };
    expect(decide(connected, { origin: HOST, fromParent: true, data: badAsk }, open)).toEqual({ kind: 'invalid', reason: 'bad images', askId: 'ask-7' });
    // Before the handshake, and from anyone else, malformed messages get no answer at all.
    expect(decide(waiting, { origin: HOST, fromParent: true, data: badAsk }, open)).toEqual({ kind: 'ignore', reason: 'bad images' });
    expect(decide(connected, { origin: OTHER, fromParent: true, data: badAsk }, open).kind).toBe('ignore');
    expect(decide(connected, { origin: HOST, fromParent: false, data: badAsk }, open).kind).toBe('ignore');
  });
});

describe('parseAllowlist', () => {
  it('reads exact origins and fails closed on typos', () => {
    expect(parseAllowlist(undefined)).toBe('any');
    expect(parseAllowlist('')).toBe('any');
    expect(parseAllowlist(' * ')).toBe('any');
    expect(parseAllowlist('https://shop.example, http://localhost:4183')).toEqual(['https://shop.example', 'http://localhost:4183']);
    // A path, a trailing slash or a wildcard is not an exact origin.
    expect(parseAllowlist('https://shop.example/, https://*.example, shop.example')).toEqual([]);
    expect(isAllowedEmbedder('https://shop.example', [])).toBe(false);
    expect(isAllowedEmbedder('https://shop.example.evil', ['https://shop.example'])).toBe(false);
    expect(isAllowedEmbedder('https://anything.example', 'any')).toBe(true);
  });
});
