/**
 * The page's bridge for React components: main.tsx creates the one bridge and provides it here
 * (the bridge module itself creates nothing when imported).
 */
import { createContext, useContext } from 'react';
import type { VlmBridge } from './vlm-bridge.ts';

export const BridgeContext = createContext<VlmBridge | null>(null);

/** The bridge main.tsx provided. */
export function useBridge(): VlmBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge() needs a <BridgeContext.Provider> (main.tsx provides the page its bridge).');
  return bridge;
}
