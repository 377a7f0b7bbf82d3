/**
 * A video turn's prompt, token for token, against an example worked out by hand from the
 * reference processor: huggingface/transformers src/transformers/models/smolvlm/processing_smolvlm.py
 * (`process_video` and DEFAULT_CHAT_TEMPLATE: a turn opening with a video gets "User: ") and
 * video_processing_smolvlm.py (DEFAULT_VIDEO_INTRO, FRAME_TIMESTAMP_MESSAGE, DEFAULT_MEDIA_OUTTRO).
 * On the generated test model's tokenizer (Node; only the processor runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoProcessor, env, RawImage, type Processor } from '@huggingface/transformers';
import { generateTestModel } from '../../scripts/test-model/generate.ts';
import { InvalidRequestError, TooManyImagesError } from '../errors.ts';
import { mergeRegistry } from '../models/registry.ts';
import type { ChatTurn } from '../protocol.ts';
import { smolVlmFamily, type SmolVlmModel } from './smolvlm.ts';

let folder: string;
let processor: Processor;
let model: SmolVlmModel;

const frame = (width: number, height: number) => new RawImage(new Uint8ClampedArray(width * height * 3), width, height, 3);

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'smolvlm-video-'));
  await generateTestModel({ outDir: path.join(folder, 'SmolVLM-test-tiny'), projectRoot: folder });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = folder;
  processor = await AutoProcessor.from_pretrained('SmolVLM-test-tiny');
  const entry = mergeRegistry([{ id: 'SmolVLM-test-tiny', contextLength: 2048, files: [] }]).find((m) => m.id === 'SmolVLM-test-tiny')!;
  const tokenizer = processor.tokenizer!;
  model = {
    entry,
    device: 'wasm',
    dtype: { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' },
    decoder: undefined as never,
    model: undefined as never,
    processor,
    imageTokenId: tokenizer.convert_tokens_to_ids('<image>'),
    eosTokenIds: [tokenizer.convert_tokens_to_ids('<end_of_utterance>')],
    tokensPerFrame: 64,
    videoSampling: { fps: 1, maxFrames: 4, frameSize: 512, fromModelConfig: true },
    contextLength: 2048,
    decode: (ids) => tokenizer.decode(ids),
    dispose: async () => undefined,
  };
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const frames = new Map([
  ['f0', frame(512, 288)],
  ['f1', frame(512, 288)],
  ['f2', frame(512, 288)],
]);
const videoTurn: ChatTurn = {
  role: 'user',
  text: 'What changes?',
  images: [{ id: 'f0' }, { id: 'f1' }, { id: 'f2' }],
  video: { durationSeconds: 62.4, timestamps: [0, 1.5, 61] },
};

describe('SmolVLM video prompt', () => {
  it('matches the layout worked out by hand from the reference processor, token for token', () => {
    const prepared = smolVlmFamily.preparePrompt(model, [videoTurn], frames, 'high');
    // By hand: the template opens the turn with "User: " (its first entry is not an image), the
    // video becomes DEFAULT_VIDEO_INTRO with num2words(3) and str(timedelta(seconds=62)), each
    // frame FRAME_TIMESTAMP_MESSAGE with f"{m:02d}:{s:02d}" then one global frame of 64 image
    // tokens, then DEFAULT_MEDIA_OUTTRO, then the question. `high` detail is ignored: frames are never tiled.
    const globalFrame = `<fake_token_around_image><global-img>${'<image>'.repeat(64)}<fake_token_around_image>`;
    const byHand =
      '<|im_start|>User: ' +
      'You are provided the following series of three frames from a 0:01:02 [H:MM:SS] video.\n' +
      `\nFrame from 00:00:${globalFrame}` +
      `\nFrame from 00:01:${globalFrame}` +
      `\nFrame from 01:01:${globalFrame}` +
      '\n\n' +
      'What changes?<end_of_utterance>\nAssistant:';
    expect(prepared.ids).toEqual(processor.tokenizer!.encode(byHand, { add_special_tokens: false }));
    expect(model.decode(prepared.ids)).toBe(byHand);
    expect(prepared.imageTokens).toBe(3 * 64);
    expect(prepared.images.map((span) => [span.id, span.plan.frames, span.plan.split, span.plan.longestEdge])).toEqual([
      ['f0', 1, false, 512],
      ['f1', 1, false, 512],
      ['f2', 1, false, 512],
    ]);
    for (const span of prepared.images) expect(span.endImageToken - span.firstImageToken).toBe(64);
  });

  it('a follow-up question extends the prompt: the video stays a prefix, so its KV cache is reused', () => {
    const first = smolVlmFamily.preparePrompt(model, [videoTurn], frames, 'low');
    const followUp = smolVlmFamily.preparePrompt(model, [videoTurn, { role: 'assistant', text: ' A red square turns blue.' }, { role: 'user', text: 'When?' }], frames, 'low');
    expect(followUp.ids.slice(0, first.ids.length)).toEqual(first.ids);
    expect(followUp.images.map((span) => span.key)).toEqual(first.images.map((span) => span.key));
  });

  it('refuses more frames than the model samples, and frames without their times', () => {
    const five = new Map(['a', 'b', 'c', 'd', 'e'].map((id) => [id, frame(64, 64)] as const));
    const tooMany: ChatTurn = { role: 'user', text: 'x', images: [...five.keys()].map((id) => ({ id })), video: { durationSeconds: 5, timestamps: [0, 1, 2, 3, 4] } };
    expect(() => smolVlmFamily.preparePrompt(model, [tooMany], five, 'low')).toThrow(TooManyImagesError);
    expect(() => smolVlmFamily.preparePrompt(model, [tooMany], five, 'low')).toThrow(/at most 4 frames/);
    const unlabelled: ChatTurn = { ...videoTurn, video: { durationSeconds: 3, timestamps: [0, 1] } };
    expect(() => smolVlmFamily.preparePrompt(model, [unlabelled], frames, 'low')).toThrow(InvalidRequestError);
  });
});
