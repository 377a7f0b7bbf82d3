/**
 * Choosing the model: each entry with its download size for this device's backend and whether it
 * is already downloaded (or served by this site, so nothing comes from the Hub).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { formatBytes } from '../lib/format.ts';
import { ChevronDownIcon } from '../lib/icons.tsx';
import type { Capabilities, DeviceRequest } from '../../workers/protocol.ts';
import { downloadPlan, isServedHere, predictDevice, type ModelEntry } from './catalog.ts';
import type { CacheStatus } from './useModelCatalog.ts';
import './models.css';

export interface ModelFacts {
  size: string;
  where: string;
  ready: boolean;
}

/** "231 MB for WebGPU", "Built in" / "On this site" / "Downloaded" / "Downloads from Hugging Face". */
export function modelFacts(entry: ModelEntry, backend: DeviceRequest, capabilities: Capabilities | null, cache: CacheStatus | undefined): ModelFacts {
  const plan = downloadPlan(entry, backend, capabilities);
  const device = plan?.device ?? predictDevice(backend, capabilities);
  const size = plan ? `${entry.sizesAreEstimates ? '≈ ' : ''}${formatBytes(plan.bytes)} for ${device === 'webgpu' ? 'WebGPU' : 'CPU'}` : `does not run on ${device === 'webgpu' ? 'WebGPU' : 'the CPU'}`;
  const downloaded = Boolean(cache && cache.totalFiles > 0 && cache.cachedFiles === cache.totalFiles);
  if (entry.builtIn) return { size, where: 'Built in · works offline', ready: true };
  if (isServedHere(entry)) return { size, where: downloaded ? 'On this site · cached' : 'On this site', ready: true };
  if (downloaded) return { size, where: 'Downloaded', ready: true };
  if (cache && cache.cachedFiles > 0) return { size, where: `Partly downloaded (${cache.cachedFiles} of ${cache.totalFiles} files)`, ready: false };
  return { size, where: 'Downloads from Hugging Face', ready: false };
}

export function ModelPicker({
  models,
  selected,
  backend,
  capabilities,
  cache,
  disabled,
  onSelect,
}: {
  models: ModelEntry[] | null;
  selected: ModelEntry | null;
  backend: DeviceRequest;
  capabilities: Capabilities | null;
  cache: Record<string, CacheStatus>;
  disabled: boolean;
  onSelect: (id: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('.model-button')?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    root.current?.querySelector<HTMLInputElement>('input:checked, input')?.focus();
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const facts = selected ? modelFacts(selected, backend, capabilities, cache[selected.id]) : null;
  return (
    <div className="model-picker" ref={root}>
      <button
        type="button"
        className="model-button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Model: ${selected?.name ?? 'choose a model'}`}
        disabled={disabled || !models}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="model-button-name">{selected?.name ?? (models ? 'Choose a model' : 'Loading models…')}</span>
        {facts && <span className="model-button-size">{facts.size}</span>}
        <ChevronDownIcon />
      </button>
      {open && models && (
        <div className="popover model-menu" id={menuId} role="group" aria-label="Choose a model">
          <fieldset>
            <legend className="popover-title">Model</legend>
            {models.map((entry) => {
              const option = modelFacts(entry, backend, capabilities, cache[entry.id]);
              return (
                <label key={entry.id} className="model-option">
                  <input
                    type="radio"
                    name="model"
                    value={entry.id}
                    checked={entry.id === selected?.id}
                    onChange={() => onSelect(entry.id)}
                    onClick={() => setOpen(false)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        onSelect(entry.id);
                        setOpen(false);
                      }
                    }}
                  />
                  <span className="model-option-text">
                    <span className="model-option-name">{entry.name}</span>
                    <span className="model-option-description">{entry.description}</span>
                    <span className="model-option-video">{entry.video === 'trained' ? 'Video: trained on video' : 'Video: as separate frames, less reliable'}</span>
                    <span className="model-option-facts">
                      {option.size} · <span className={option.ready ? 'ok' : ''}>{option.where}</span>
                    </span>
                  </span>
                </label>
              );
            })}
          </fieldset>
        </div>
      )}
    </div>
  );
}
