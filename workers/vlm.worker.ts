/**
 * The model worker: the engine, exposed with Comlink. The page talks to it through src/bridge and
 * knows it only by the `VlmWorkerApi` interface in protocol.ts, which the engine implements.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from './error-transfer.ts';
import type { VlmWorkerApi } from './protocol.ts';
import { VlmEngine } from './runtime/engine.ts';

const api: VlmWorkerApi = new VlmEngine();

installErrorTransfer();
Comlink.expose(api);
