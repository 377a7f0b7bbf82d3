/** The page's one door to the model worker (see vlm-bridge.ts). Importing it creates nothing: main.tsx does. */
import type { VlmBridge } from './vlm-bridge.ts';

export { VlmBridge, type PageTurn, type RecoveredListener } from './vlm-bridge.ts';
export { BridgeContext, useBridge } from './context.ts';
export { bitmapForWorker, MAX_TRANSFER_EDGE } from './images.ts';

declare global {
  interface Window {
    /** Console and test access to the model runtime: `await vlm.capabilities()` (set by each page's main.tsx). */
    vlm: VlmBridge;
  }
}
