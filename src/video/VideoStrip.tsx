/**
 * The video waiting to be sent: its sampled frames with their times, what it costs ("8 frames ·
 * 0:42 · 512 image tokens of 2,048"), the sampling cap when one applied, a frame count the person
 * can lower, and, when it is too long for the context, the numbers and a smaller count that fits.
 */
import { plural } from '../lib/format.ts';
import { CloseIcon } from '../lib/icons.tsx';
import { useObjectUrl } from '../lib/useObjectUrl.ts';
import { frameTimestampText } from '../../workers/models/video.ts';
import type { VideoBudget } from './video-budget.ts';
import type { VideoFrame } from './sample-frames.ts';
import type { VideoDraft } from './useVideoDraft.ts';
import './video.css';

/** Seconds as a clock: "0:42", "12:05", "3:00:00". */
export function clockText(seconds: number): string {
  const s = Math.floor(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

const n = (value: number) => value.toLocaleString('en-US');

function Frame({ frame }: { frame: VideoFrame }) {
  const url = useObjectUrl(frame.blob);
  const label = frameTimestampText(frame.time);
  return (
    <li className="video-frame" data-time={frame.time}>
      {url && <img src={url} alt={`Frame at ${label}`} width={frame.width} height={frame.height} />}
      <span className="video-frame-time">{label}</span>
    </li>
  );
}

export function VideoStrip({ video, budget, modelName }: { video: VideoDraft; budget: (frames: number) => VideoBudget; modelName: string }) {
  const { state, opening } = video;
  if (state.status === 'empty') return opening ? <p className="video-draft muted" role="status">Opening {opening}…</p> : null;
  const { facts, plan } = state;
  const frames = plan.timestamps.length;
  const cost = budget(frames);
  const maxFrames = state.status === 'ready' ? state.sampling.maxFrames : Math.max(frames, video.frameLimit ?? frames);
  return (
    <section className="video-draft" aria-label="Video to send">
      <header className="video-draft-header">
        <strong className="video-draft-name" title={facts.name}>
          {facts.name}
        </strong>
        <span className="video-draft-summary" data-testid="video-summary">
          {plural(frames, 'frame')} · {clockText(facts.durationSeconds)} · {n(cost.imageTokens)} image tokens of {n(cost.contextLength)}
        </span>
        <button type="button" className="icon-button small" onClick={video.remove} aria-label={`Remove ${facts.name}`}>
          <CloseIcon />
        </button>
      </header>
      {plan.cappedAt !== null && video.frameLimit === null && (
        <p className="video-draft-note" data-testid="video-cap">
          Capped at {n(plan.cappedAt)} frames ({modelName} samples at most {n(plan.cappedAt)}; one every {state.status === 'ready' ? 1 / state.sampling.fps : 1} s would be {n(plan.wanted)}).
        </p>
      )}
      {state.status === 'ready' && !state.sampling.fromModelConfig && (
        <p className="video-draft-note">{modelName} was trained on images, not video: it sees these frames as separate pictures, so answers about motion or order are less reliable.</p>
      )}
      {state.status === 'sampling' ? (
        <p className="muted" role="status">
          Sampling frames… {state.done} of {frames}
        </p>
      ) : (
        <ol className="video-frames" aria-label="Sampled frames">
          {state.frames.map((frame) => (
            <Frame key={frame.id} frame={frame} />
          ))}
        </ol>
      )}
      <label className="video-draft-count">
        Frames
        <input
          type="number"
          min={1}
          max={maxFrames}
          value={video.frameLimit ?? frames}
          onChange={(event) => {
            const value = Math.round(Number(event.target.value));
            if (value >= 1) video.setFrameLimit(Math.min(value, maxFrames));
          }}
        />
      </label>
      {!cost.fits && (
        <div className="video-draft-overflow" role="alert">
          <p>
            Too long for the context: {plural(frames, 'frame')} need about {n(cost.videoTokens)} tokens, and with the conversation so far (about {n(cost.otherTokens)} tokens) that is more
            than the {n(cost.contextLength)} {modelName} reads. Nothing was sent.
          </p>
          {cost.framesThatFit > 0 ? (
            <button type="button" className="button secondary" onClick={() => video.setFrameLimit(cost.framesThatFit)}>
              Use {plural(cost.framesThatFit, 'frame')}
            </button>
          ) : (
            <p>Start a new chat to ask about this video.</p>
          )}
        </div>
      )}
    </section>
  );
}
