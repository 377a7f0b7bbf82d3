/**
 * What the model is doing, never a silent spinner: before a Hub download its size and a button,
 * with the built-in model offered beside it (it needs no download); while loading the phase,
 * total and per-file bytes, rate and time left; after a failure the reason with Retry (Run on CPU
 * when the GPU was the problem, and the built-in model when a download could not be made). Where
 * models cannot be stored (a private window, storage refused), the reason is said here too, before,
 * during and after the load: the model then lives in memory only and downloads again next visit.
 */
import { formatBytes, formatDuration, formatRate } from '../lib/format.ts';
import { WarningIcon } from '../lib/icons.tsx';
import { Spinner } from '../lib/activity.tsx';
import type { RuntimeState } from '../app/runtime-state.ts';
import type { Capabilities, DeviceRequest, FileProgress } from '../../workers/protocol.ts';
import { isServedHere, type ModelEntry } from './catalog.ts';
import { modelFacts } from './ModelPicker.tsx';
import { timeLeftMs, transferRate } from './progress-meter.ts';
import type { CacheStatus } from './useModelCatalog.ts';

function percent(loaded: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
}

function FileRow({ file }: { file: FileProgress }) {
  const name = file.file.replace(/^onnx\//, '');
  return (
    <li className="file-row">
      <span className="file-name">{name}</span>
      <progress max={100} value={file.done ? 100 : percent(file.loaded, file.total)} aria-label={name} />
      <span className="file-bytes">{file.done ? formatBytes(Math.max(file.loaded, file.total)) : `${formatBytes(file.loaded)} / ${file.total ? formatBytes(file.total) : '?'}`}</span>
    </li>
  );
}

export function LoadStatus({
  runtime,
  models,
  selected,
  backend,
  capabilities,
  cache,
  onLoad,
  onRetry,
  onUseBuiltIn,
  notStoredReason = null,
}: {
  runtime: RuntimeState;
  models: ModelEntry[] | null;
  selected: ModelEntry | null;
  backend: DeviceRequest;
  capabilities: Capabilities | null;
  cache: Record<string, CacheStatus>;
  onLoad: () => void;
  onRetry: (device?: DeviceRequest) => void;
  /** Switches to another model (here: the built-in one, which then loads at once). */
  onUseBuiltIn: (id: string) => void;
  /** Why downloaded models cannot be kept on this device (modelStorageStatus), or null when they can. */
  notStoredReason?: string | null;
}) {
  const nameOf = (id: string) => models?.find((entry) => entry.id === id)?.name ?? id;
  const builtIn = models?.find((entry) => entry.builtIn) ?? null;
  const notStored = notStoredReason && (
    <p className="load-status-storage">
      <WarningIcon />
      <span>
        <strong>Models are kept in memory only here.</strong> {notStoredReason}
      </span>
    </p>
  );

  if (runtime.status === 'loading-model') {
    const progress = runtime.progress;
    const rate = transferRate(runtime.samples);
    const loaded = progress?.loadedBytes ?? 0;
    const total = progress?.totalBytes ?? 0;
    const left = progress?.phase === 'fetching' ? timeLeftMs(loaded, total, rate) : null;
    const fetching = !progress || progress.phase === 'fetching';
    return (
      <section className="load-status" aria-label="Model loading">
        <div className="load-status-head">
          <Spinner />
          <div>
            <h2 className="load-status-title">Loading {nameOf(runtime.modelId)}</h2>
            <p className="load-status-phase" role="status">
              {progress?.message ?? 'Starting the model runtime'}
            </p>
          </div>
        </div>
        {/* Once the files are in, no indeterminate bar: Chromium animates one every frame while ONNX
            Runtime builds the sessions on every core; the spinner and the phase say it is working. */}
        {fetching && (
          <>
            <progress className="load-total" max={100} value={percent(loaded, total)} aria-label="Download progress" />
            <p className="load-numbers">
              <span>
                {formatBytes(loaded)} of {total ? formatBytes(total) : '…'}
              </span>
              {rate > 0 && <span>{formatRate(rate)}</span>}
              {left !== null && <span>about {formatDuration(left)} left</span>}
            </p>
          </>
        )}
        {notStored}
        {progress && progress.files.length > 0 && (
          <details className="load-files">
            <summary>Files ({progress.files.filter((file) => file.done).length} of {progress.files.length} done)</summary>
            <ul>
              {progress.files.map((file) => (
                <FileRow key={file.file} file={file} />
              ))}
            </ul>
          </details>
        )}
      </section>
    );
  }

  if (runtime.status === 'error') {
    const gpu = runtime.device === 'webgpu' || runtime.error.name === 'WebGpuUnavailableError' || runtime.error.name === 'GpuDeviceLostError';
    const offerBuiltIn = builtIn !== null && builtIn.id !== runtime.modelId;
    return (
      <section className="load-status error" aria-label="Model loading failed">
        <p className="load-status-error">
          <WarningIcon />
          <span>
            <strong>{nameOf(runtime.modelId)} could not load.</strong> {runtime.error.message}
          </span>
        </p>
        <div className="load-status-actions">
          <button type="button" className="button secondary small" onClick={() => onRetry()}>
            Retry
          </button>
          {gpu && (
            <button type="button" className="button secondary small" onClick={() => onRetry('wasm')}>
              Run on CPU
            </button>
          )}
          {offerBuiltIn && (
            <button type="button" className="button primary small" onClick={() => onUseBuiltIn(builtIn.id)}>
              Use the built-in {builtIn.name}
            </button>
          )}
        </div>
        {offerBuiltIn && (
          <p className="load-status-builtin muted">
            {builtIn.name} is part of this app and needs no download. {builtIn.knows}
          </p>
        )}
      </section>
    );
  }

  const loadedId = runtime.status === 'ready' || runtime.status === 'generating' ? runtime.model.modelId : null;
  if (!selected) return null;
  if (loadedId === selected.id) {
    return notStored ? (
      <section className="load-status idle" aria-label="Model storage">
        {notStored}
      </section>
    ) : null;
  }
  const facts = modelFacts(selected, backend, capabilities, cache[selected.id]);
  // First run: the Hub download needs the person's go-ahead; the built-in model does not.
  const offerBuiltIn = builtIn !== null && !facts.ready;
  return (
    <section className="load-status idle" aria-label="Model not loaded">
      <p>
        <strong>{selected.name}</strong>{' '}
        {selected.builtIn
          ? `is built into this app (${facts.size}) and works offline. ${selected.knows ?? ''}`
          : isServedHere(selected)
            ? `is served by this site (${facts.size}).`
            : facts.ready
              ? `is downloaded (${facts.size}) and loads from this device's cache.`
              : `downloads ${facts.size} once from Hugging Face, then runs on this device.`}{' '}
        <span className="muted">It loads when you send your first message.</span>
      </p>
      <div className="load-status-actions">
        <button type="button" className="button primary small" onClick={onLoad}>
          {facts.ready ? 'Load model' : 'Download and load'}
        </button>
        {offerBuiltIn && (
          <button type="button" className="button secondary small" onClick={() => onUseBuiltIn(builtIn.id)}>
            Try the built-in {builtIn.name} now
          </button>
        )}
      </div>
      {offerBuiltIn && (
        <p className="load-status-builtin muted">
          No download: {builtIn.name} is part of this app. {builtIn.knows}
        </p>
      )}
      {notStored}
    </section>
  );
}
