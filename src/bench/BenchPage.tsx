/**
 * "Benchmark this device": runs the browser half of `npm run bench` on the person's own CPU/GPU
 * with the model they choose, shows the table and copies it as Markdown for a bug report.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import type { VlmBridge } from '../bridge/vlm-bridge.ts';
import type { Capabilities, ModelEntry } from '../../workers/protocol.ts';
import { toMarkdown } from './core/report.ts';
import { benchSettings } from './core/settings.ts';
import type { BenchReport } from './core/types.ts';
import { StreamView } from './paths/stream-view.ts';
import { runBrowserBench } from './run-browser-bench.ts';

type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; log: string[] }
  | { kind: 'done'; report: BenchReport; markdown: string }
  | { kind: 'failed'; message: string };

export function BenchPage({ bridge }: { bridge: VlmBridge }) {
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [modelId, setModelId] = useState('');
  const [device, setDevice] = useState<'wasm' | 'webgpu'>('wasm');
  const [threads, setThreads] = useState(1);
  const [quick, setQuick] = useState(true);
  const [compareBare, setCompareBare] = useState(true);
  const [state, setState] = useState<RunState>({ kind: 'idle' });
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const streamRef = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [list, capabilities] = await Promise.all([bridge.listModels(), bridge.capabilities()]);
        if (cancelled) return;
        setModels(list);
        setCaps(capabilities);
        setModelId((current) => current || (list.find((m) => m.source.kind === 'origin') ?? list[0])?.id || '');
        setThreads(capabilities.wasmThreads);
        if (capabilities.webgpu.available && !capabilities.webgpu.isSoftware) setDevice('webgpu');
      } catch (error) {
        if (!cancelled) setState({ kind: 'failed', message: `The model worker did not start: ${(error as Error).message}` });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [bridge]);

  const run = async () => {
    if (!streamRef.current) return;
    const lines: string[] = [];
    setState({ kind: 'running', log: lines });
    setCopied('no');
    try {
      const report = await runBrowserBench(
        bridge,
        {
          modelId,
          device,
          threads: device === 'wasm' ? threads : 1,
          settings: benchSettings(quick),
          paths: compareBare ? ['app', 'bare'] : ['app'],
          bandwidth: device === 'wasm',
        },
        new StreamView(streamRef.current),
        (message) => {
          lines.push(message);
          setState({ kind: 'running', log: [...lines] });
        },
      );
      setState({ kind: 'done', report, markdown: toMarkdown(report) });
    } catch (error) {
      setState({ kind: 'failed', message: (error as Error).message });
    }
  };

  const html = useMemo(() => (state.kind === 'done' ? DOMPurify.sanitize(marked.parse(state.markdown, { async: false })) : ''), [state]);
  const model = models.find((m) => m.id === modelId);
  const running = state.kind === 'running';

  return (
    <main className="bench" data-ready={caps ? '' : undefined}>
      <p>
        <a href="./">← Back to the chat</a>
      </p>
      <h1>Benchmark this device</h1>
      <p>
        Runs the model on this device and measures loading, image encoding, time to the first word and words per second — the same
        measurements as the project's <code>npm run bench</code>. Nothing leaves your device; copy the table to share it.
      </p>
      <fieldset disabled={running}>
        <label>
          Model{' '}
          <select value={modelId} onChange={(event) => setModelId(event.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.source.kind === 'hub' ? ' (downloads from Hugging Face)' : ''}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Backend{' '}
          <select value={device} onChange={(event) => setDevice(event.target.value as 'wasm' | 'webgpu')}>
            <option value="wasm">CPU (WASM)</option>
            <option value="webgpu" disabled={!caps?.webgpu.available}>
              GPU (WebGPU){caps?.webgpu.isSoftware ? ' — software adapter, correctness only' : ''}
            </option>
          </select>
        </label>{' '}
        {device === 'wasm' && (
          <label>
            Threads{' '}
            <select value={threads} onChange={(event) => setThreads(Number(event.target.value))}>
              {Array.from({ length: caps?.wasmThreads ?? 1 }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        )}{' '}
        <label>
          <input type="checkbox" checked={quick} onChange={(event) => setQuick(event.target.checked)} /> Quick (1 run, 32 tokens)
        </label>{' '}
        <label>
          <input type="checkbox" checked={compareBare} onChange={(event) => setCompareBare(event.target.checked)} /> Compare with plain
          transformers.js
        </label>{' '}
        <button type="button" onClick={() => void run()} disabled={!modelId}>
          Run benchmark
        </button>
      </fieldset>
      {model?.source.kind === 'hub' && <p>This model is downloaded from Hugging Face the first time ({model.name}).</p>}
      {caps && !caps.crossOriginIsolated && <p>This page is not cross-origin isolated: WASM runs on one thread and memory is not reported.</p>}
      {state.kind === 'running' && (
        <section aria-live="polite">
          <h2>Running…</h2>
          <p>{state.log.at(-1)}</p>
        </section>
      )}
      {state.kind === 'failed' && <p role="alert">The benchmark stopped: {state.message}</p>}
      {state.kind === 'done' && (
        <section>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard.writeText(state.markdown).then(
                () => setCopied('yes'),
                () => setCopied('failed'),
              )
            }
          >
            {copied === 'yes' ? 'Copied' : 'Copy results as Markdown'}
          </button>
          {copied === 'failed' && (
            <p role="alert">The browser did not allow copying. Select the Markdown below and copy it by hand.</p>
          )}
          {copied === 'failed' && <textarea className="bench-markdown" readOnly value={state.markdown} aria-label="Results as Markdown" />}
          <div className="bench-results" dangerouslySetInnerHTML={{ __html: html }} />
        </section>
      )}
      <h2>Answer being streamed (app path)</h2>
      <pre id="bench-stream" className="bench-stream" ref={streamRef} />
    </main>
  );
}
