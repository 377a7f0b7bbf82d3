/**
 * Settings: answer length, greedy or creative, image detail (with what each costs in image tokens
 * for an actual image, computed with the processor's own arithmetic) and the backend.
 */
import { useId, type ReactNode } from 'react';
import { offeredDetail, planImage } from '../../workers/models/image-detail.ts';
import { IMAGE_DETAILS, type Capabilities, type Device, type DeviceRequest, type ImageDetail, type ImageGeometry } from '../../workers/protocol.ts';
import { Modal } from '../lib/Modal.tsx';
import { ANSWER_LENGTH, ANSWER_LENGTH_PRESETS, type Settings } from './settings.ts';
import './settings.css';

const DETAIL_TEXT: Record<ImageDetail, { title: string; blurb: string }> = {
  low: { title: 'Low', blurb: 'One 512 px frame per image. Fastest; small text is lost.' },
  auto: { title: 'Auto', blurb: 'Splits large images into tiles, as far as their pixels go (capped per device).' },
  high: { title: 'High', blurb: 'The processor’s full 2048 px. Best for small text and dense charts; slowest.' },
};

export interface DetailExample {
  width: number;
  height: number;
  label: string;
}

export function SettingsDialog({
  settings,
  onChange,
  onClose,
  capabilities,
  device,
  geometry,
  example,
  model,
  children,
}: {
  settings: Settings;
  onChange: (patch: Partial<Settings>) => void;
  onClose: () => void;
  capabilities: Capabilities | null;
  /** Where the model runs (or will): the image-token cost of `auto` depends on it. */
  device: Device;
  geometry: ImageGeometry;
  example: DetailExample;
  /** The selected model: some offer only the details they were trained for. */
  model?: { name: string; details?: readonly ImageDetail[] } | null;
  /** Extra sections, e.g. the "Models & storage" panel. */
  children?: ReactNode;
}) {
  const id = useId();
  const webgpu = capabilities?.webgpu;
  const backends: { value: DeviceRequest; title: string; blurb: string; disabled?: boolean }[] = [
    { value: 'auto', title: 'Automatic', blurb: webgpu?.available ? 'WebGPU on this device, the CPU if it fails.' : 'The CPU on this device (no WebGPU).' },
    {
      value: 'webgpu',
      title: 'WebGPU',
      blurb: webgpu ? (webgpu.available ? `${webgpu.shaderF16 ? 'fp16' : 'fp32'}${webgpu.isSoftware ? ', software adapter (slow)' : ''}` : (webgpu.reason ?? 'Not available.')) : 'Checking…',
      disabled: webgpu ? !webgpu.available : false,
    },
    { value: 'wasm', title: 'CPU (WASM)', blurb: capabilities ? `${capabilities.wasmThreads} ${capabilities.wasmThreads === 1 ? 'thread' : 'threads'}` : 'Works everywhere.' },
  ];
  return (
    <Modal label="Settings" onClose={onClose} className="settings-dialog">
      <h2 className="modal-title">Settings</h2>

      <section className="setting">
        <div className="setting-row">
          <label htmlFor={`${id}-length`} className="setting-label">
            Answer length
          </label>
          <output htmlFor={`${id}-length`} className="setting-value">
            {settings.maxNewTokens} tokens
          </output>
        </div>
        <input
          id={`${id}-length`}
          type="range"
          min={ANSWER_LENGTH.min}
          max={ANSWER_LENGTH.max}
          step={ANSWER_LENGTH.step}
          value={settings.maxNewTokens}
          onChange={(event) => onChange({ maxNewTokens: Number(event.target.value) })}
        />
        <div className="segmented" role="group" aria-label="Answer length presets">
          {ANSWER_LENGTH_PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              aria-pressed={settings.maxNewTokens === preset.tokens}
              onClick={() => onChange({ maxNewTokens: preset.tokens })}
            >
              {preset.label} <span className="muted">{preset.tokens}</span>
            </button>
          ))}
        </div>
      </section>

      <fieldset className="setting">
        <legend className="setting-label">Answers</legend>
        <label className="choice">
          <input type="radio" name={`${id}-sampling`} checked={settings.sampling === 'greedy'} onChange={() => onChange({ sampling: 'greedy' })} />
          <span>
            <span className="choice-title">Precise</span>
            <span className="choice-blurb">Greedy decoding: the same question gives the same answer.</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-sampling`} checked={settings.sampling === 'creative'} onChange={() => onChange({ sampling: 'creative' })} />
          <span>
            <span className="choice-title">Creative</span>
            <span className="choice-blurb">Sampled with temperature {settings.temperature.toFixed(1)}: varied wording.</span>
          </span>
        </label>
        {settings.sampling === 'creative' && (
          <div className="setting-sub">
            <label htmlFor={`${id}-temperature`}>Temperature</label>
            <input
              id={`${id}-temperature`}
              type="range"
              min={0.1}
              max={1.5}
              step={0.1}
              value={settings.temperature}
              onChange={(event) => onChange({ temperature: Number(event.target.value) })}
            />
            <output htmlFor={`${id}-temperature`}>{settings.temperature.toFixed(1)}</output>
          </div>
        )}
      </fieldset>

      <fieldset className="setting">
        <legend className="setting-label">Image detail</legend>
        <p className="setting-help">
          Image tokens for {example.label} ({example.width} × {example.height}) on {device === 'webgpu' ? 'WebGPU' : 'the CPU'}:
        </p>
        {model?.details && !model.details.includes(settings.detail) && (
          <p className="setting-note" role="note">
            {model.name} was trained for {model.details.join(' and ')} only, so its images go at {DETAIL_TEXT[offeredDetail(settings.detail, model.details)].title.toLowerCase()} detail.
          </p>
        )}
        {IMAGE_DETAILS.map((detail) => {
          const plan = planImage(example.width, example.height, detail, device, geometry);
          const offered = !model?.details || model.details.includes(detail);
          return (
            <label className={`choice ${offered ? '' : 'not-offered'}`} key={detail}>
              <input type="radio" name={`${id}-detail`} checked={settings.detail === detail} onChange={() => onChange({ detail })} />
              <span>
                <span className="choice-title">
                  {DETAIL_TEXT[detail].title}
                  <span className="choice-cost">
                    {plan.imageTokens.toLocaleString('en-US')} tokens · {plan.frames} {plan.frames === 1 ? 'frame' : 'frames'}
                  </span>
                </span>
                <span className="choice-blurb">
                  {DETAIL_TEXT[detail].blurb}
                  {!offered && ` Not offered by ${model!.name}: it gets ${DETAIL_TEXT[offeredDetail(detail, model!.details)].title.toLowerCase()} instead.`}
                </span>
              </span>
            </label>
          );
        })}
      </fieldset>

      <fieldset className="setting">
        <legend className="setting-label">Backend</legend>
        {backends.map((backend) => (
          <label className="choice" key={backend.value}>
            <input
              type="radio"
              name={`${id}-backend`}
              checked={settings.backend === backend.value}
              disabled={backend.disabled}
              onChange={() => onChange({ backend: backend.value })}
            />
            <span>
              <span className="choice-title">{backend.title}</span>
              <span className="choice-blurb">{backend.blurb}</span>
            </span>
          </label>
        ))}
        <p className="setting-help">Changing the backend reloads the model.</p>
      </fieldset>

      <form method="dialog" className="modal-actions">
        <button className="button primary">Done</button>
      </form>
      {children}
    </Modal>
  );
}
