/**
 * The model worker: one plain object exposed with Comlink. The page talks to it through
 * src/bridge and knows it only by the `VlmWorkerApi` interface in protocol.ts.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from './error-transfer.ts';
import type { VlmWorkerApi } from './protocol.ts';
import { capabilities } from './runtime/capabilities.ts';
import { VlmEngine } from './runtime/engine.ts';

const engine = new VlmEngine();

const api: VlmWorkerApi = {
  capabilities,
  listModels: () => engine.listModels(),
  load: (modelId, options, onProgress) => engine.load(modelId, options, (progress) => void onProgress(progress)),
  estimate: (conversation, detail) => engine.estimate(conversation, detail),
  generate: (conversation, options, onToken) => engine.generate(conversation, options, onToken),
  interrupt: () => engine.interrupt(),
  reset: () => engine.reset(),
  unload: () => engine.unload(),
  status: () => engine.status(),
  simulateGpuDeviceLoss: () => engine.simulateGpuDeviceLoss(),
};

installErrorTransfer();
Comlink.expose(api);
