import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './bridge/index.ts';
import './styles/base.css';
import { App } from './app/index.ts';
import { appPwa } from './pwa/index.ts';

// Offline support: registers the service worker; updates wait for the user (src/pwa).
appPwa();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
