/** The page's one bridge to the model worker (see vlm-bridge.ts). */
import { VlmBridge } from './vlm-bridge.ts';

export { VlmBridge, WorkerCrashedError, type PageTurn, type BridgeEvents } from './vlm-bridge.ts';
export { bitmapForWorker, MAX_TRANSFER_EDGE } from './images.ts';

export const bridge = new VlmBridge();

declare global {
  interface Window {
    /** Console and test access to the model runtime: `await vlm.capabilities()`. */
    vlm: VlmBridge;
  }
}
window.vlm = bridge;
