import { useRef, useState } from 'react';
import type { AnswerRegions, ErrorInfo, PixelBox } from '../../workers/protocol.ts';
import type { Attachment } from '../files/index.ts';
import { EditIcon, RegenerateIcon, WarningIcon, ChipIcon } from '../lib/icons.tsx';
import { useObjectUrl } from '../lib/useObjectUrl.ts';
import { TypingDots } from '../lib/activity.tsx';
import { AnswerStats } from './AnswerStats.tsx';
import { frameTimestampText } from '../../workers/models/video.ts';
import { canContinue, type AssistantMessage, type UserMessage, type VideoInfo } from './conversation.ts';
import { CopyButton } from './CopyButton.tsx';
import { Markdown } from './Markdown.tsx';
import { RegionOverlay } from './RegionOverlay.tsx';
import { florence2Task } from '../../workers/models/florence2-tasks.ts';
import { useElementSize } from '../lib/useElementSize.ts';
import { fitContain, regionRect } from './region-overlay.ts';
import { questionTask } from './task-message.ts';

/** An image of a question; with the region a region task asked about drawn over it (the picture then fits uncropped). */
function MessageImage({ image, onView, region }: { image: Attachment; onView: (image: Attachment) => void; region?: PixelBox }) {
  const url = useObjectUrl(image.blob);
  const picture = useRef<HTMLImageElement>(null);
  const size = useElementSize(picture);
  const rect = region && size ? regionRect({ label: '', box: region }, fitContain(image, size)) : null;
  return (
    <li>
      <button type="button" className="message-image" onClick={() => onView(image)} aria-label={`View ${image.name}`}>
        <span className="message-image-frame">
          {url && <img ref={picture} src={url} alt="" className={region ? 'with-region' : undefined} style={{ aspectRatio: `${image.width} / ${image.height}` }} />}
          {size && rect && (
            <svg className="region-layer" width={size.width} height={size.height} aria-hidden="true">
              <rect className="asked-region" data-box={region!.join(',')} x={rect.left} y={rect.top} width={rect.width} height={rect.height} />
            </svg>
          )}
        </span>
      </button>
    </li>
  );
}

function MessageVideoFrame({ image, time, onView }: { image: Attachment; time: number; onView: (image: Attachment) => void }) {
  const url = useObjectUrl(image.blob);
  return (
    <li>
      <button type="button" className="message-image" onClick={() => onView(image)} aria-label={`View ${image.name}`}>
        {url && <img src={url} alt="" style={{ aspectRatio: `${image.width} / ${image.height}` }} />}
      </button>
      <span className="message-video-time">{frameTimestampText(time)}</span>
    </li>
  );
}

/** A video asked about: its name, length and sampled frames with their times. */
function MessageVideo({ message, video, onView }: { message: UserMessage; video: VideoInfo; onView: (image: Attachment) => void }) {
  const seconds = Math.floor(video.durationSeconds);
  return (
    <figure className="message-video">
      <figcaption>
        Video “{video.name}” · {message.images.length} frames · {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
      </figcaption>
      <ul className="message-video-frames" aria-label="Video frames">
        {message.images.map((image, index) => (
          <MessageVideoFrame key={image.id} image={image} time={video.timestamps[index] ?? 0} onView={onView} />
        ))}
      </ul>
    </figure>
  );
}

export function UserMessageView({
  message,
  canEdit,
  onEdit,
  onView,
  regionImage,
}: {
  message: UserMessage;
  canEdit: boolean;
  onEdit: (text: string) => void;
  onView: (image: Attachment) => void;
  /** The earlier image the message's region was drawn on, when it is not one of the message's own. */
  regionImage?: Attachment;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const task = questionTask(message);
  // A region on an earlier image is shown on that image, here, so the question reads on its own.
  const images = regionImage && !message.images.some((image) => image.id === regionImage.id) ? [...message.images, regionImage] : message.images;
  return (
    <article className="message user" aria-label="You">
      {message.video && <MessageVideo message={message} video={message.video} onView={onView} />}
      {images.length > 0 && !message.video && (
        <ul className={`message-images count-${Math.min(images.length, 4)}`} aria-label="Images">
          {images.map((image) => (
            <MessageImage key={image.id} image={image} onView={onView} {...(message.region?.imageId === image.id ? { region: message.region.box } : {})} />
          ))}
        </ul>
      )}
      {editing !== null ? (
        <form
          className="edit-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (editing.trim() === '' && message.images.length === 0) return;
            onEdit(editing);
            setEditing(null);
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${message.id}`}
            className="edit-input"
            value={editing}
            autoFocus
            onChange={(event) => setEditing(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setEditing(null);
              if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <div className="edit-actions">
            <button type="button" className="button secondary small" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button type="submit" className="button primary small">
              Save and send
            </button>
          </div>
        </form>
      ) : (
        <div className="user-row">
          {task ? (
            // A task message reads as its task and input, not as the task token and location tokens the model gets.
            <div className="bubble question-task" title={message.text}>
              <span className="chip">Task: {task.task.label}</span>
              {task.input && <span className="question-input">{task.input}</span>}
            </div>
          ) : (
            message.text && <div className="bubble">{message.text}</div>
          )}
          <div className="user-actions">
            <button type="button" className="action-button" aria-label="Edit" title="Edit and resend" disabled={!canEdit} onClick={() => setEditing(message.text)}>
              <EditIcon />
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

const PENDING_TEXT = { loading: 'Loading the model…', images: 'Looking at the image…', thinking: 'Thinking…' } as const;

/** The headline of a failed answer: whether the model never loaded or the answer itself failed. */
export function failureHeadline(error: ErrorInfo | undefined): string {
  switch (error?.name) {
    case 'ModelLoadError':
    case 'ModelFileIntegrityError':
    case 'ModelDownloadError':
    case 'StorageQuotaError':
    case 'WebGpuUnavailableError':
      return 'The model could not load.';
    case 'InvalidLogitsError':
      return 'The model computed invalid numbers.';
    default:
      return 'The answer failed.';
  }
}

export function AssistantMessageView({
  message,
  pendingPhase,
  isLast,
  canAct,
  modelName,
  onRegenerate,
  onRunOnCpu,
  onContinue,
  regions,
  regionImage,
}: {
  message: AssistantMessage;
  pendingPhase: keyof typeof PENDING_TEXT;
  isLast: boolean;
  canAct: boolean;
  modelName: string;
  onRegenerate: () => void;
  onRunOnCpu: () => void;
  onContinue: () => void;
  /** The regions to draw: the answer's own, or the region its region-task question asked about. */
  regions?: AnswerRegions;
  /** The image those regions are on. */
  regionImage?: Attachment;
}) {
  const running = message.status === 'pending' || message.status === 'streaming';
  const reloaded = message.status === 'stopped' && message.stoppedBy === 'page-reload';
  const gpuFailure = message.status === 'error' && (message.error?.name === 'GpuDeviceLostError' || message.failedOn === 'webgpu');
  return (
    <article className={`message assistant status-${message.status}`} aria-label="Assistant" aria-busy={running}>
      <div className="assistant-avatar" aria-hidden="true">
        <ChipIcon />
      </div>
      <div className="assistant-main">
        {/* A task model says which task the question ran as (a plain question becomes the closest one). */}
        {message.task && (
          <p className="answer-task">
            <span className="chip">Task: {florence2Task(message.task)?.label ?? message.task}</span>
          </p>
        )}
        <div className="answer-body" aria-live="polite">
          {/* An answer being continued keeps its text in view while the model gets ready. */}
          {message.text && <Markdown text={message.text} />}
          {message.status === 'pending' && (
            <p className="typing">
              <TypingDots />
              {PENDING_TEXT[pendingPhase]}
            </p>
          )}
          {message.status === 'streaming' && <span className="cursor" aria-hidden="true" />}
        </div>
        {regions && regionImage && !running && <RegionOverlay answer={regions} image={regionImage} />}
        {message.status === 'stopped' && !reloaded && (
          <p className="answer-note">
            <span className="chip">Stopped</span>
            {message.text ? 'The answer was stopped before it finished.' : 'Stopped before the answer began.'}
          </p>
        )}
        {reloaded && (
          <div className="answer-note">
            <span className="chip">Stopped, page reloaded</span>
            <span>
              {message.text ? 'The page was reloaded or closed during the answer; the text that had arrived is kept.' : 'The page was reloaded or closed before the answer began.'}
            </span>
            {isLast && (
              <div className="answer-note-actions">
                {canContinue(message) && (
                  <button type="button" className="button secondary small" onClick={onContinue} disabled={!canAct} title="Go on writing this answer from its text">
                    Continue
                  </button>
                )}
                <button type="button" className="button secondary small" onClick={onRegenerate} disabled={!canAct} title="Answer the question again from the start">
                  Regenerate
                </button>
              </div>
            )}
          </div>
        )}
        {message.status === 'done' && message.finishReason === 'length' && (
          <p className="answer-note muted">Reached the answer length limit (Settings › Answer length).</p>
        )}
        {message.status === 'error' && (
          <div className="answer-error">
            <p>
              <WarningIcon />
              <strong>{failureHeadline(message.error)}</strong> {message.error?.message}
            </p>
            <div className="answer-error-actions">
              <button type="button" className="button secondary small" onClick={onRegenerate} disabled={!canAct}>
                Retry
              </button>
              {gpuFailure && (
                <button type="button" className="button secondary small" onClick={onRunOnCpu} disabled={!canAct}>
                  Run on CPU
                </button>
              )}
            </div>
          </div>
        )}
        {!running && (
          <div className="message-actions">
            {message.text && <CopyButton text={message.text} />}
            {/* A reloaded answer offers Regenerate next to Continue, in its note. */}
            {isLast && message.status !== 'error' && !reloaded && (
              <button type="button" className="action-button" aria-label="Regenerate" title="Regenerate the answer" onClick={onRegenerate} disabled={!canAct}>
                <RegenerateIcon />
                <span className="action-label" aria-hidden="true">
                  Regenerate
                </span>
              </button>
            )}
            <span className="answer-model muted">{modelName}</span>
          </div>
        )}
        {message.stats && !running && <AnswerStats stats={message.stats} />}
      </div>
    </article>
  );
}
