/**
 * The video waiting in the composer: opened (not read whole), its frames sampled with the model's
 * video settings and the frame count the person chose, sampled again when either changes. One
 * video per message. A file that cannot be used becomes a refusal and changes nothing else.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { quoteName, type Refusal } from '../files/index.ts';
import type { FramePlan } from '../../workers/models/video.ts';
import type { VideoSampling } from '../../workers/protocol.ts';
import { openVideo, type OpenedVideo, type VideoFacts } from './open-video.ts';
import { framePlanFor, sampleFrames, type VideoFrame } from './sample-frames.ts';

export type VideoDraftState =
  | { status: 'empty' }
  | { status: 'sampling'; facts: VideoFacts; plan: FramePlan; done: number }
  | { status: 'ready'; facts: VideoFacts; plan: FramePlan; frames: VideoFrame[]; sampling: VideoSampling };

export interface VideoDraft {
  state: VideoDraftState;
  /** The name of a file being opened (its header read and checked), if any. */
  opening: string | null;
  /** The frame count the person chose (null: as many as the model samples). */
  frameLimit: number | null;
  setFrameLimit: (frames: number | null) => void;
  /** Opens `file` in place of any video waiting; resolves with the refusal when it cannot be used. */
  add: (file: File) => Promise<Refusal | null>;
  remove: () => void;
}

export function useVideoDraft(sampling: VideoSampling, onRefusal: (refusal: Refusal) => void): VideoDraft {
  const [opened, setOpened] = useState<OpenedVideo | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [frameLimit, setFrameLimit] = useState<number | null>(null);
  /** Frames decoded so far for one plan (a newer plan makes it stale). */
  const [progress, setProgress] = useState<{ plan: FramePlan; done: number; frames: VideoFrame[] | null } | null>(null);
  const onRefusalRef = useRef(onRefusal);
  useEffect(() => {
    onRefusalRef.current = onRefusal;
  });
  /** Bumped by every add and remove: an open that finishes after a newer one is dropped. */
  const generation = useRef(0);

  // The file stays open while it waits (frames are sampled again when the count changes), and is
  // closed when replaced, removed or the page goes.
  useEffect(() => () => opened?.close(), [opened]);

  const { fps, maxFrames, frameSize, fromModelConfig } = sampling;
  const settings = useMemo<VideoSampling>(() => ({ fps, maxFrames, frameSize, fromModelConfig }), [fps, maxFrames, frameSize, fromModelConfig]);
  const plan = useMemo(() => (opened ? framePlanFor(opened, settings, frameLimit) : null), [opened, settings, frameLimit]);

  useEffect(() => {
    if (!opened || !plan) return;
    const controller = new AbortController();
    sampleFrames(opened, plan, settings.frameSize, controller.signal, (done) => {
      if (!controller.signal.aborted) setProgress({ plan, done, frames: null });
    }).then(
      (frames) => {
        if (!controller.signal.aborted) setProgress({ plan, done: frames.length, frames });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const name = opened.facts.name;
        onRefusalRef.current({
          reason: 'corrupt',
          fileName: name,
          message: `${quoteName(name)} opened, but its frames could not be decoded (${(error as Error).message}): the file is damaged or incomplete.`,
        });
        setOpened(null);
      },
    );
    return () => controller.abort();
  }, [opened, plan, settings]);

  let state: VideoDraftState = { status: 'empty' };
  if (opened && plan) {
    const mine = progress?.plan === plan ? progress : null;
    state = mine?.frames
      ? { status: 'ready', facts: opened.facts, plan, frames: mine.frames, sampling: settings }
      : { status: 'sampling', facts: opened.facts, plan, done: mine?.done ?? 0 };
  }

  const add = useCallback(async (file: File): Promise<Refusal | null> => {
    const mine = ++generation.current;
    setOpening(file.name || 'pasted video');
    const result = await openVideo(file);
    if (mine !== generation.current) {
      if (result.ok) result.video.close();
      return null;
    }
    setOpening(null);
    // A file that cannot be used changes nothing: the video waiting (if any) stays.
    if (!result.ok) return result.refusal;
    setFrameLimit(null);
    setOpened(result.video);
    return null;
  }, []);

  const remove = useCallback(() => {
    generation.current++;
    setOpening(null);
    setOpened(null);
    setFrameLimit(null);
  }, []);

  return { state, opening, frameLimit, setFrameLimit, add, remove };
}
