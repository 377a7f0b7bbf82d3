/**
 * bench.html: the "Benchmark this device" page, and `window.vlmBench`, through which
 * `npm run bench` drives the same measurements in headless Chromium.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { VlmBridge } from '../bridge/index.ts';
import '../styles/base.css';
import './bench.css';
import { BenchPage } from './BenchPage.tsx';
import { StreamView } from './paths/stream-view.ts';
import { measureLoads, probePath, runSuite } from './suite.ts';
import './core/driver-api.ts';
import { measureVisionSessions } from './vision/index.ts';

const bridge = new VlmBridge();
window.vlm = bridge;
const log = (message: string) => console.log(`[bench] ${message}`);
const driverView = () => new StreamView(document.getElementById('bench-stream') ?? document.body.appendChild(document.createElement('pre')));

window.vlmBench = {
  runSuite: (options) => runSuite(bridge, options, driverView(), log),
  measureLoads: (options) => measureLoads(bridge, options, driverView(), log),
  probePath: (options) => probePath(bridge, options, driverView(), log),
  visionSessions: async (options) => {
    const entry = (await bridge.listModels()).find((candidate) => candidate.id === options.modelId);
    if (!entry) throw new Error(`Unknown model ${options.modelId}.`);
    return measureVisionSessions(entry, options, log);
  },
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BenchPage bridge={bridge} />
  </StrictMode>,
);
