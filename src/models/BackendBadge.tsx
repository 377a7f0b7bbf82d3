/** Where the model runs (WebGPU fp16 / WebGPU fp32 / CPU · WASM · N threads) and, after a fallback, why. */
import { ChipIcon, WarningIcon } from '../lib/icons.tsx';
import type { Capabilities, LoadResult } from '../../workers/protocol.ts';
import { backendLabel, dtypeSummary } from './catalog.ts';
import { formatBytes, formatDuration } from '../lib/format.ts';

export function BackendBadge({ model, capabilities }: { model: LoadResult | null; capabilities: Capabilities | null }) {
  if (!model) return null;
  const label = backendLabel(model);
  const adapter = capabilities?.webgpu.adapter;
  return (
    <details className={`badge ${model.fallbackReason ? 'fallback' : ''}`}>
      <summary aria-label={`Backend: ${label}${model.fallbackReason ? ' (fell back)' : ''}`}>
        {model.fallbackReason ? <WarningIcon /> : <ChipIcon />}
        <span>{label}</span>
      </summary>
      <div className="popover badge-popover">
        <p className="popover-title">{label}</p>
        {model.fallbackReason && (
          <p className="badge-fallback">
            <strong>Fell back to the CPU:</strong> {model.fallbackReason}
          </p>
        )}
        <dl className="facts">
          <div>
            <dt>Weights</dt>
            <dd>{dtypeSummary(model.dtype)}</dd>
          </div>
          {model.device === 'webgpu' && adapter && (
            <div>
              <dt>GPU</dt>
              <dd>{[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') || 'unknown adapter'}{capabilities?.webgpu.isSoftware ? ' (software)' : ''}</dd>
            </div>
          )}
          {model.device === 'wasm' && (
            <div>
              <dt>Threads</dt>
              <dd>
                {model.wasmThreads}
                {capabilities && !capabilities.crossOriginIsolated ? ' (page not cross-origin isolated)' : ''}
              </dd>
            </div>
          )}
          <div>
            <dt>Context</dt>
            <dd>{model.contextLength.toLocaleString('en-US')} tokens · {model.imageTokensPerFrame} per image frame</dd>
          </div>
          <div>
            <dt>Loaded</dt>
            <dd>
              {formatBytes(model.bytes)} in {formatDuration(model.loadMs)}
            </dd>
          </div>
        </dl>
      </div>
    </details>
  );
}
