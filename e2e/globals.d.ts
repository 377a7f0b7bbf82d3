/** `window.vlm`: the page's model bridge, which the browser tests drive. */
import type { VlmBridge } from '../src/bridge/vlm-bridge.ts';

declare global {
  interface Window {
    vlm: VlmBridge;
  }
}
export {};
