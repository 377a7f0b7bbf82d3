/**
 * The PWA half of the build (vite-plugin-pwa, injectManifest): compiles service-worker/sw.ts with
 * the list of files to precache (app shell, JS, CSS, icons, ONNX Runtime's /ort/ files, the
 * built-in model and its example scenes; never other model files), and writes the web app
 * manifest that makes the app installable.
 */
import type { PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { THEME_COLOR } from '../icons/main.ts';
import { BUILT_IN_MODEL } from '../../workers/models/registry.ts';

export function pwaPlugin(): PluginOption {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'service-worker',
    filename: 'sw.ts',
    // src/pwa registers the worker itself and asks before activating an update.
    injectRegister: false,
    registerType: 'prompt',
    manifestFilename: 'manifest.webmanifest',
    // The icons are precached by the glob below; listing them twice would be a conflict.
    includeManifestIcons: false,
    manifest: {
      id: '/',
      name: 'VLM Chat — private image chat',
      short_name: 'VLM Chat',
      description: 'Ask questions about your images. The vision-language model runs on your device; nothing is uploaded.',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: THEME_COLOR,
      icons: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    injectManifest: {
      // The built-in model (a few MB) is precached so that it answers offline even if it was never
      // loaded while online; the worker's verified store still checks every file's sha256.
      globPatterns: ['**/*.{html,js,mjs,css,wasm,png,svg,ico}', 'examples/**/*.json', `models/${BUILT_IN_MODEL.id}/**/*.{json,onnx}`],
      // Other model files belong to the worker's verified store; the build's public/models copy is for serving only.
      globIgnores: [`models/!(${BUILT_IN_MODEL.id})/**`, '**/*.map'],
      // ONNX Runtime's wasm is ~26 MB.
      maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
    },
    devOptions: { enabled: false },
  });
}
