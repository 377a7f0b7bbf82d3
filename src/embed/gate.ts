/**
 * Which messages the frame obeys. Pure: src/embed/host-link.ts feeds it each `message` event.
 *
 * Trust model: the frame obeys exactly one window, its parent (the page that embedded it), and
 * only at the origin that parent had when it said hello. The origin comes from the browser
 * (`event.origin`), never from the message. It must also match `location.ancestorOrigins[0]` where
 * the browser has it (Chromium, Safari), and the deployment's allowlist when one is configured
 * (`VITE_EMBED_ALLOWED_ORIGINS`). Any other frame on the host page, a page that opened this one,
 * or the frame's own children fail the `event.source === window.parent` test.
 */
import { parseHostCommand, type HostCommand } from './protocol.ts';

/** `any`: every site may embed the widget (the default); otherwise the exact origins that may. */
export type EmbedAllowlist = 'any' | readonly string[];

/**
 * Reads `VITE_EMBED_ALLOWED_ORIGINS`: comma- or space-separated exact origins
 * (`https://shop.example`), or empty / `*` for any. An entry that is not an exact origin is
 * dropped; if nothing valid remains the list allows nobody (a typo must not open the widget up).
 */
export function parseAllowlist(setting: string | undefined): EmbedAllowlist {
  const entries = (setting ?? '').split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return 'any';
  return entries.filter((entry) => {
    if (entry.includes('*')) return false;
    try {
      return new URL(entry).origin === entry;
    } catch {
      return false;
    }
  });
}

export function isAllowedEmbedder(origin: string, allowlist: EmbedAllowlist): boolean {
  if (origin === 'null' || origin === '') return false;
  return allowlist === 'any' || allowlist.includes(origin);
}

export type GateState = { kind: 'waiting' } | { kind: 'connected'; hostOrigin: string };

export interface GatePolicy {
  allowlist: EmbedAllowlist;
  /** The parent's origin as the browser reports it (`location.ancestorOrigins[0]`), when it does. */
  parentOrigin: string | null;
}

/** One received message, reduced to what the decision needs. */
export interface IncomingMessage {
  origin: string;
  /** `event.source === window.parent` and the frame is really framed. */
  fromParent: boolean;
  data: unknown;
}

export type GateDecision =
  | { kind: 'ignore'; reason: string }
  /** The parent said hello from an origin that may not embed the widget. */
  | { kind: 'refuse'; origin: string }
  /** Handshake accepted (or repeated): from now on only `hostOrigin` is obeyed. */
  | { kind: 'connect'; hostOrigin: string }
  | { kind: 'command'; command: Exclude<HostCommand, { kind: 'hello' }> }
  /** A malformed message from the connected host: answered with an error when it names an ask. */
  | { kind: 'invalid'; reason: string; askId: string | null };

/** The `id` of a message that failed validation, if it is a well-formed ask id (read without getters). */
function askIdOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const descriptor = Object.getOwnPropertyDescriptor(data, 'id');
  const id: unknown = descriptor && 'value' in descriptor ? descriptor.value : null;
  return typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? id : null;
}

export function decide(state: GateState, message: IncomingMessage, policy: GatePolicy): GateDecision {
  if (!message.fromParent) return { kind: 'ignore', reason: 'not from the embedding page' };
  if (state.kind === 'connected' && message.origin !== state.hostOrigin) return { kind: 'ignore', reason: 'wrong origin' };
  if (policy.parentOrigin !== null && message.origin !== policy.parentOrigin) return { kind: 'ignore', reason: 'origin is not the parent' };
  const parsed = parseHostCommand(message.data);
  if (!parsed.ok) {
    // Only the connected host learns that its message was malformed (so its ask() does not hang).
    if (state.kind === 'connected') return { kind: 'invalid', reason: parsed.reason, askId: askIdOf(message.data) };
    return { kind: 'ignore', reason: parsed.reason };
  }
  const command = parsed.value;
  if (state.kind === 'waiting') {
    if (command.kind !== 'hello') return { kind: 'ignore', reason: 'no handshake yet' };
    if (!isAllowedEmbedder(message.origin, policy.allowlist)) return { kind: 'refuse', origin: message.origin };
    return { kind: 'connect', hostOrigin: message.origin };
  }
  if (command.kind === 'hello') return { kind: 'connect', hostOrigin: state.hostOrigin };
  return { kind: 'command', command };
}
