import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { crossOriginIsolationHeaders } from './scripts/build/cross-origin-isolation.ts';
import { ortAssetsPlugin, strictModelFilesPlugin } from './scripts/build/ort-assets.ts';
import { embedLoaderPlugin } from './scripts/build/embed-loader.ts';
import { pwaPlugin } from './scripts/build/pwa.ts';

const publicDir = path.resolve(import.meta.dirname, 'public');

export default defineConfig({
  publicDir,
  plugins: [react(), ortAssetsPlugin(), strictModelFilesPlugin(publicDir), pwaPlugin(), embedLoaderPlugin()],
  server: { headers: crossOriginIsolationHeaders },
  preview: { headers: crossOriginIsolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Model files are served from public/models in development only; never bundle them.
    copyPublicDir: true,
    // The app, the chat the <vlm-chat> element frames (embed.js itself: embedLoaderPlugin), and
    // the "Benchmark this device" page (src/bench).
    rolldownOptions: {
      input: [
        path.resolve(import.meta.dirname, 'index.html'),
        path.resolve(import.meta.dirname, 'embed.html'),
        path.resolve(import.meta.dirname, 'bench.html'),
      ],
    },
  },
  optimizeDeps: { exclude: ['@huggingface/transformers'] },
});
