/**
 * embed.html: the chat inside `<vlm-chat>`'s frame, at our origin. It owns its own VlmBridge (so
 * the model and its cache live at our origin) and obeys only the page that embedded it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { VlmBridge } from '../bridge/index.ts';
import { EmbedApp } from './EmbedApp.tsx';
import { EmbedController, type Access } from './controller.ts';
import { isAllowedEmbedder, parseAllowlist } from './gate.ts';
import { HostLink } from './host-link.ts';
import { configFromSearch } from './protocol.ts';
import './embed.css';

const config = configFromSearch(location.search);
const framed = window.parent !== window;
const allowlist = parseAllowlist(import.meta.env.VITE_EMBED_ALLOWED_ORIGINS);
// The parent's origin as the browser reports it (Chromium, Safari); Firefox has no ancestorOrigins.
const parentOrigin = framed ? (location.ancestorOrigins?.[0] ?? null) : null;

function initialAccess(): Access {
  if (!framed || allowlist === 'any') return { kind: 'open', hostOrigin: null };
  if (parentOrigin !== null && !isAllowedEmbedder(parentOrigin, allowlist)) return { kind: 'refused', origin: parentOrigin };
  return { kind: 'waiting' };
}

const bridge = new VlmBridge();
const controller = new EmbedController(bridge, config, (event) => link.send(event), initialAccess(), self.crossOriginIsolated);
const link = new HostLink(
  { allowlist, parentOrigin },
  {
    onConnect: (hostOrigin) => controller.setAccess({ kind: 'open', hostOrigin }),
    onRefuse: (origin) => {
      if (allowlist !== 'any') controller.setAccess({ kind: 'refused', origin });
    },
    onCommand: (command) => {
      switch (command.kind) {
        case 'ask':
          return controller.askAsHost(command);
        case 'stop':
          return controller.stopHost(command.id);
        case 'reset':
          return controller.reset();
        case 'load':
          return controller.loadForHost();
        case 'configure':
          return controller.configure(command.config);
      }
    },
  },
);
link.start();

declare global {
  interface Window {
    /** Diagnostics and tests, reachable only from our own origin. */
    vlmEmbed: { link: HostLink; controller: EmbedController };
  }
}
window.vlm = bridge;
window.vlmEmbed = { link, controller };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <EmbedApp controller={controller} />
  </StrictMode>,
);
