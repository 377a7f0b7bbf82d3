import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './bridge/index.ts';
import { appPwa } from './pwa/index.ts';
import { App } from './App.tsx';

// Offline support: registers the service worker; updates wait for the user (src/pwa).
appPwa();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
