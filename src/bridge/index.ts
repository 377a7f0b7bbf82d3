/** The page's one bridge to the model worker (see vlm-bridge.ts). */
import { VlmBridge, type BridgeEvents } from './vlm-bridge.ts';

export { VlmBridge, type PageTurn, type BridgeEvents } from './vlm-bridge.ts';
export { bitmapForWorker, MAX_TRANSFER_EDGE } from './images.ts';

/** Filled in by the page (e.g. `onRecovered`): the bridge reads it when the event happens. */
export const bridgeEvents: BridgeEvents = {};

export const bridge = new VlmBridge(undefined, bridgeEvents);

declare global {
  interface Window {
    /** Console and test access to the model runtime: `await vlm.capabilities()`. */
    vlm: VlmBridge;
  }
}
window.vlm = bridge;
