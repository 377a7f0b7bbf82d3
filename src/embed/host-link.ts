/**
 * The frame's end of the postMessage link: every `message` event goes through `decide` (gate.ts);
 * replies go only to the parent window, with the host origin as the explicit target origin.
 */
import { decide, type GatePolicy, type GateState } from './gate.ts';
import { envelope, type FrameEvent, type HostCommand } from './protocol.ts';

export interface HostLinkHandlers {
  onConnect(hostOrigin: string): void;
  onRefuse(origin: string): void;
  onCommand(command: Exclude<HostCommand, { kind: 'hello' }>): void;
}

/** Counts, for diagnostics and the attacker tests (`window.vlmEmbed.link.stats`). */
export interface HostLinkStats {
  accepted: number;
  ignored: number;
  lastIgnored: string;
}

export class HostLink {
  #state: GateState = { kind: 'waiting' };
  readonly stats: HostLinkStats = { accepted: 0, ignored: 0, lastIgnored: '' };

  constructor(
    private readonly policy: GatePolicy,
    private readonly handlers: HostLinkHandlers,
  ) {}

  get hostOrigin(): string | null {
    return this.#state.kind === 'connected' ? this.#state.hostOrigin : null;
  }

  start(): void {
    window.addEventListener('message', this.#onMessage);
  }

  /** Sends to the connected host; before the handshake there is no one to tell. */
  send(event: FrameEvent): void {
    if (this.#state.kind !== 'connected') return;
    window.parent.postMessage(envelope(event), this.#state.hostOrigin);
  }

  #onMessage = (event: MessageEvent): void => {
    const fromParent = window.parent !== window && event.source === window.parent;
    const decision = decide(this.#state, { origin: event.origin, fromParent, data: event.data }, this.policy);
    switch (decision.kind) {
      case 'ignore':
        this.stats.ignored += 1;
        this.stats.lastIgnored = decision.reason;
        return;
      case 'refuse':
        this.stats.ignored += 1;
        this.stats.lastIgnored = 'embedder not allowed';
        // An opaque ('null') origin cannot be addressed; anyone else learns only "no".
        if (decision.origin !== 'null') {
          window.parent.postMessage(envelope({ kind: 'refused', message: `This chat is not enabled on ${decision.origin}.` }), decision.origin);
        }
        this.handlers.onRefuse(decision.origin);
        return;
      case 'connect': {
        this.stats.accepted += 1;
        const first = this.#state.kind === 'waiting';
        this.#state = { kind: 'connected', hostOrigin: decision.hostOrigin };
        this.send({ kind: 'welcome' });
        if (first) this.handlers.onConnect(decision.hostOrigin);
        return;
      }
      case 'invalid':
        this.stats.ignored += 1;
        this.stats.lastIgnored = decision.reason;
        if (decision.askId !== null) {
          this.send({ kind: 'error', id: decision.askId, name: 'InvalidRequestError', message: `The widget could not read this question (${decision.reason}).` });
        }
        return;
      case 'command':
        this.stats.accepted += 1;
        this.handlers.onCommand(decision.command);
        return;
    }
  };
}
