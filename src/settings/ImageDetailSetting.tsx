/**
 * Image detail, with what each level costs in image tokens for an actual image (the processor's own
 * arithmetic), and which levels the selected model was trained for.
 */
import { useId } from 'react';
import { offeredDetail, planImage } from '../../workers/models/image-detail.ts';
import { IMAGE_DETAILS, type Device, type ImageDetail, type ImageGeometry } from '../../workers/protocol.ts';
import { Choice } from './Choice.tsx';
import type { SettingProps } from './settings.ts';

const DETAIL_TEXT: Record<ImageDetail, { title: string; blurb: string }> = {
  low: { title: 'Low', blurb: 'One 512 px frame per image. Fastest; small text is lost.' },
  auto: { title: 'Auto', blurb: 'Splits large images into tiles, as far as their pixels go (capped per device).' },
  high: { title: 'High', blurb: 'The processor’s full 2048 px. Best for small text and dense charts; slowest.' },
};

/** The image each detail level is priced for. */
export interface DetailExample {
  width: number;
  height: number;
  label: string;
}

export interface ImageCostProps {
  /** Where the model runs (or will): the image-token cost of `auto` depends on it. */
  device: Device;
  geometry: ImageGeometry;
  example: DetailExample;
  /** The selected model: some offer only the details they were trained for. */
  model?: { name: string; details?: readonly ImageDetail[] } | null;
}

const detailTitle = (detail: ImageDetail) => DETAIL_TEXT[detail].title.toLowerCase();

export function ImageDetailSetting({ settings, onChange, device, geometry, example, model }: SettingProps & ImageCostProps) {
  const id = useId();
  return (
    <fieldset className="setting">
      <legend className="setting-label">Image detail</legend>
      <p className="setting-help">
        Image tokens for {example.label} ({example.width} × {example.height}) on {device === 'webgpu' ? 'WebGPU' : 'the CPU'}:
      </p>
      {model?.details && !model.details.includes(settings.detail) && (
        <p className="setting-note" role="note">
          {model.name} was trained for {model.details.join(' and ')} only, so its images go at {detailTitle(offeredDetail(settings.detail, model.details))} detail.
        </p>
      )}
      {IMAGE_DETAILS.map((detail) => {
        const plan = planImage(example.width, example.height, detail, device, geometry);
        const offered = !model?.details || model.details.includes(detail);
        return (
          <Choice
            key={detail}
            className={offered ? undefined : 'not-offered'}
            name={`${id}-detail`}
            checked={settings.detail === detail}
            onChoose={() => onChange({ detail })}
            title={
              <>
                {DETAIL_TEXT[detail].title}
                <span className="choice-cost">
                  {plan.imageTokens.toLocaleString('en-US')} tokens · {plan.frames} {plan.frames === 1 ? 'frame' : 'frames'}
                </span>
              </>
            }
            blurb={
              <>
                {DETAIL_TEXT[detail].blurb}
                {!offered && ` Not offered by ${model!.name}: it gets ${detailTitle(offeredDetail(detail, model!.details))} instead.`}
              </>
            }
          />
        );
      })}
    </fieldset>
  );
}
