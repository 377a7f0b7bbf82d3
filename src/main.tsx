import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BridgeContext, VlmBridge } from './bridge/index.ts';
import './styles/base.css';
import { App } from './app/index.ts';
import { appPwa } from './pwa/index.ts';

/** The page's one owner of the model worker (the worker itself starts at the first call). */
const bridge = new VlmBridge();
window.vlm = bridge;

// Offline support: registers the service worker; updates wait for the user (src/pwa).
appPwa(bridge);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <App />
    </BridgeContext.Provider>
  </StrictMode>,
);
