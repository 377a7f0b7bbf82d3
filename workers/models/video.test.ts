/**
 * Frame sampling and prompt strings against the reference processor, worked out by hand from
 * huggingface/transformers src/transformers/models/smolvlm/video_processing_smolvlm.py
 * (`sample_frames`, DEFAULT_VIDEO_INTRO, DEFAULT_MEDIA_OUTTRO, FRAME_TIMESTAMP_MESSAGE) and
 * processing_smolvlm.py (`process_video`: num2words, str(timedelta), "{m:02d}:{s:02d}").
 */
import { describe, expect, it } from 'vitest';
import { durationText, expandVideoPlaceholder, frameTimestampText, framesThatFit, numberInWords, parseVideoSampling, planFrames, roundHalfEven } from './video.ts';

const SMOLVLM2 = { fps: 1, maxFrames: 64 };

describe('planFrames (sample_frames)', () => {
  it('takes round(fps x duration) frames spread over a short clip, no skipping', () => {
    // 8 s at 25 fps = 200 frames; 8 wanted; 8 - 2 > 64 is false: np.linspace(0, 199, 8) ->
    // step 199/7 = 28.43: 0, 28.43, 56.86, 85.29, 113.71, 142.14, 170.57, 199 -> truncated.
    const plan = planFrames({ durationSeconds: 8, fps: 25, totalFrames: 200 }, SMOLVLM2);
    expect(plan.indices).toEqual([0, 28, 56, 85, 113, 142, 170, 199]);
    expect(plan.timestamps).toEqual([0, 1.12, 2.24, 3.4, 4.52, 5.68, 6.8, 7.96]);
    expect(plan.wanted).toBe(8);
    expect(plan.cappedAt).toBeNull();
  });

  it('caps a 3-hour video at max_frames and skips its first and last second', () => {
    // 10800 s at 30 fps: 10800 wanted, 64 taken; 10798 > 64: start int(1 x 30) = 30, end
    // int(324000 - 30) = 323970; np.linspace(30, 323970, 64): step 323940 / 63 = 5141.90...
    const plan = planFrames({ durationSeconds: 10_800, fps: 30, totalFrames: 324_000 }, SMOLVLM2);
    expect(plan.indices).toHaveLength(64);
    expect(plan.indices[0]).toBe(30);
    expect(plan.indices[1]).toBe(5171); // trunc(30 + 5141.904...)
    expect(plan.indices.at(-1)).toBe(323_970);
    expect(plan.timestamps[0]).toBe(1);
    expect(plan.wanted).toBe(10_800);
    expect(plan.cappedAt).toBe(64);
  });

  it('takes the lower count the person chose, as the reference does with num_frames', () => {
    const plan = planFrames({ durationSeconds: 42, fps: 30, totalFrames: 1260 }, SMOLVLM2, 4);
    // 42 - 2 > 4 x 1: skip a second at each end: linspace(30, 1230, 4) = 30, 430, 830, 1230.
    expect(plan.indices).toEqual([30, 430, 830, 1230]);
    expect(plan.cappedAt).toBe(4);
  });

  it('takes one frame of a clip shorter than half a second, and never repeats a frame', () => {
    expect(planFrames({ durationSeconds: 0.4, fps: 30, totalFrames: 12 }, SMOLVLM2).indices).toEqual([0]);
    // 5 wanted of a 3-frame video: linspace(0, 2, 5) = 0, 0.5, 1, 1.5, 2 -> unique 0, 1, 2.
    expect(planFrames({ durationSeconds: 5, fps: 0.6, totalFrames: 3 }, SMOLVLM2).indices).toEqual([0, 1, 2]);
  });

  it("rounds halves to even, as Python's round does", () => {
    expect([0.5, 1.5, 2.5, 3.4, 3.6].map(roundHalfEven)).toEqual([0, 2, 2, 3, 4]);
    expect(planFrames({ durationSeconds: 2.5, fps: 10, totalFrames: 25 }, SMOLVLM2).wanted).toBe(2);
  });
});

describe('prompt strings', () => {
  it('writes numbers as num2words does', () => {
    expect([0, 1, 8, 13, 20, 21, 64, 100, 105, 999, 1000, 1001, 2345].map(numberInWords)).toEqual([
      'zero',
      'one',
      'eight',
      'thirteen',
      'twenty',
      'twenty-one',
      'sixty-four',
      'one hundred',
      'one hundred and five',
      'nine hundred and ninety-nine',
      'one thousand',
      'one thousand and one',
      'two thousand, three hundred and forty-five',
    ]);
  });

  it('writes durations as str(timedelta(seconds=int(d))) and timestamps as MM:SS with minutes past 59', () => {
    expect([0, 42.9, 61, 3599, 3600, 10_800, 86_405].map(durationText)).toEqual(['0:00:00', '0:00:42', '0:01:01', '0:59:59', '1:00:00', '3:00:00', '1 day, 0:00:05']);
    expect([0, 1.99, 59.5, 61, 7530].map(frameTimestampText)).toEqual(['00:00', '00:01', '00:59', '01:01', '125:30']);
  });

  it('lays a video out as the reference does', () => {
    expect(expandVideoPlaceholder([0, 1.5, 61], 62.4, '<F>')).toBe(
      'You are provided the following series of three frames from a 0:01:02 [H:MM:SS] video.\n' + '\nFrame from 00:00:<F>' + '\nFrame from 00:01:<F>' + '\nFrame from 01:01:<F>' + '\n\n',
    );
  });
});

describe('model settings', () => {
  it('reads video_sampling from a preprocessor config, and nothing from one without it', () => {
    const smolvlm2 = { max_image_size: { longest_edge: 512 }, video_sampling: { fps: 1, max_frames: 64, video_size: { longest_edge: 512 } } };
    expect(parseVideoSampling(smolvlm2)).toEqual({ fps: 1, maxFrames: 64, frameSize: 512, fromModelConfig: true });
    expect(parseVideoSampling({ max_image_size: { longest_edge: 512 } })).toBeNull();
    expect(parseVideoSampling({ video_sampling: { fps: 0, max_frames: 64, video_size: { longest_edge: 512 } } })).toBeNull();
    expect(parseVideoSampling({ video_sampling: { fps: 1, max_frames: 2.5, video_size: { longest_edge: 512 } } })).toBeNull();
  });

  it('counts the frames that fit the tokens left', () => {
    expect(framesThatFit(60 + 84 * 3, 64)).toBe(3);
    expect(framesThatFit(60 + 84 * 3 - 1, 64)).toBe(2);
    expect(framesThatFit(20, 64)).toBe(0);
  });
});
