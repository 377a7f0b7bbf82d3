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
  /**
   * The draft once no file is being opened and no frames are being sampled: what a Send pressed
   * meanwhile goes with (empty when the video was refused or removed while it waited).
   */
  settled: () => Promise<VideoDraftState>;
}

/** Names a plan's frames: equal keys, equal frames. */
const planKey = (plan: FramePlan, frameSize: number) => `${frameSize}|${plan.indices.join(',')}`;

export function useVideoDraft(sampling: VideoSampling, onRefusal: (refusal: Refusal) => void): VideoDraft {
  const [opened, setOpened] = useState<OpenedVideo | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [frameLimit, setFrameLimit] = useState<number | null>(null);
  /** Frames decoded so far for one video and plan (another plan makes them stale). */
  const [progress, setProgress] = useState<{ video: OpenedVideo; key: string; done: number; frames: VideoFrame[] | null } | null>(null);
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
  const key = plan ? planKey(plan, settings.frameSize) : '';
  const current = progress && progress.video === opened && progress.key === key ? progress : null;
  const haveFrames = current?.frames != null;

  // Sampled again when the model's settings or the chosen count change the plan.
  useEffect(() => {
    if (!opened || !plan || haveFrames) return;
    const controller = new AbortController();
    sampleFrames(opened, plan, settings.frameSize, controller.signal, (done) => {
      if (!controller.signal.aborted) setProgress({ video: opened, key, done, frames: null });
    }).then(
      (frames) => {
        if (!controller.signal.aborted) setProgress({ video: opened, key, done: frames.length, frames });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        onRefusalRef.current(framesRefusal(opened.facts.name, error));
        setOpened(null);
      },
    );
    return () => controller.abort();
  }, [opened, plan, key, settings, haveFrames]);

  let state: VideoDraftState = { status: 'empty' };
  if (opened && plan) {
    state = current?.frames
      ? { status: 'ready', facts: opened.facts, plan, frames: current.frames, sampling: settings }
      : { status: 'sampling', facts: opened.facts, plan, done: current?.done ?? 0 };
  }

  // Sends that wait for the frames are answered once the draft has them (or has none).
  const latest = useRef<{ state: VideoDraftState; opening: string | null }>({ state, opening });
  const waiters = useRef<(() => void)[]>([]);
  useEffect(() => {
    latest.current = { state, opening };
    if (opening === null && state.status !== 'sampling') for (const wake of waiters.current.splice(0)) wake();
  });
  const settled = useCallback(
    () =>
      new Promise<VideoDraftState>((resolve) => {
        const check = () => {
          const { state: now, opening: openingNow } = latest.current;
          if (openingNow === null && now.status !== 'sampling') resolve(now);
          else waiters.current.push(check);
        };
        check();
      }),
    [],
  );

  const add = useCallback(
    async (file: File): Promise<Refusal | null> => {
      const mine = ++generation.current;
      setOpening(file.name || 'pasted video');
      const result = await openVideo(file);
      let refusal: Refusal | null = result.ok ? null : result.refusal;
      let frames: VideoFrame[] | null = null;
      const firstPlan = result.ok ? framePlanFor(result.video, settings, null) : null;
      if (result.ok && firstPlan) {
        // Its frames are decoded before it replaces the video waiting: a file that fails half
        // way (cut short) is refused and the one waiting stays.
        try {
          frames = await sampleFrames(result.video, firstPlan, settings.frameSize, new AbortController().signal);
        } catch (error) {
          refusal = framesRefusal(result.video.facts.name, error);
          result.video.close();
        }
      }
      if (mine !== generation.current) {
        if (result.ok && !refusal) result.video.close();
        return null;
      }
      setOpening(null);
      if (refusal || !result.ok || !firstPlan) return refusal;
      setFrameLimit(null);
      setProgress({ video: result.video, key: planKey(firstPlan, settings.frameSize), done: frames!.length, frames });
      setOpened(result.video);
      return null;
    },
    [settings],
  );

  const remove = useCallback(() => {
    generation.current++;
    setOpening(null);
    setOpened(null);
    setFrameLimit(null);
  }, []);

  return { state, opening, frameLimit, setFrameLimit, add, remove, settled };
}

function framesRefusal(name: string, error: unknown): Refusal {
  return {
    reason: 'corrupt',
    fileName: name,
    message: `${quoteName(name)} opened, but its frames could not all be decoded (${(error as Error).message}): the file is damaged or incomplete (an interrupted download or copy?).`,
  };
}
