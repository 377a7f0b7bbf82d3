/**
 * What an image costs the selected model where it runs (or will run): the token count the composer
 * shows for each attachment, and the figures the settings price each detail level with.
 */
import type { Attachment } from '../files/index.ts';
import { predictDevice } from '../models/index.ts';
import type { DetailExample, Settings } from '../settings/index.ts';
import { offeredDetail, planImage, SMOLVLM_GEOMETRY } from '../../workers/models/image-detail.ts';
import type { Capabilities, Device, ImageDetail, ImageGeometry, ModelEntry } from '../../workers/protocol.ts';

export interface ImageCost {
  device: Device;
  geometry: ImageGeometry;
  /** The detail the model is given: a model may offer only the ones it was trained for. */
  detail: ImageDetail;
  tokensFor: (image: { width: number; height: number }) => number;
}

/** The loaded model's device, else where the chosen backend will put it. */
export function imageCostFor(
  model: Pick<ModelEntry, 'geometry' | 'details'> | null,
  settings: Pick<Settings, 'detail' | 'backend'>,
  loadedDevice: Device | undefined,
  capabilities: Capabilities | null,
): ImageCost {
  const device = loadedDevice ?? predictDevice(settings.backend, capabilities);
  const geometry = model?.geometry ?? SMOLVLM_GEOMETRY;
  const detail = offeredDetail(settings.detail, model?.details);
  return { device, geometry, detail, tokensFor: (image) => planImage(image.width, image.height, detail, device, geometry).imageTokens };
}

/** The image the settings price each detail for: the first one attached, else a typical screenshot. */
export function detailExampleFor(firstImage: Pick<Attachment, 'width' | 'height' | 'name'> | undefined): DetailExample {
  return firstImage ? { width: firstImage.width, height: firstImage.height, label: firstImage.name } : { width: 1920, height: 1080, label: 'a full-HD screenshot' };
}
