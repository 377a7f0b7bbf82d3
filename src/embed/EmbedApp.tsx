/** The compact chat inside the frame: pick or drop an image, ask, read the streamed answer, stop. */
import { memo, useEffect, useRef, useState, useSyncExternalStore, type DragEvent, type FormEvent } from 'react';
import { Markdown } from '../chat/Markdown.tsx';
import type { EmbedController, Turn } from './controller.ts';
import { imageFromBlob, type EmbedImage } from './images.ts';
import { statusLine } from './status.ts';

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

export function EmbedApp({ controller }: { controller: EmbedController }) {
  const state = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [draft, setDraft] = useState('');
  const [attachment, setAttachment] = useState<EmbedImage | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);
  const { config, turns } = state;
  const usable = state.access.kind === 'open';
  const running = state.run.kind === 'running';
  const status = statusLine(state);
  const hostOrigin = state.access.kind === 'open' ? state.access.hostOrigin : null;
  const modelName = state.models.find((model) => model.id === state.modelId)?.name ?? state.modelId;

  useEffect(() => {
    if (config.allowModelChange) void controller.loadModelList();
  }, [controller, config.allowModelChange]);

  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [turns]);

  async function attach(file: File | undefined) {
    if (!file) return;
    try {
      const image = await imageFromBlob(file, file.name);
      setAttachment((previous) => {
        if (previous) URL.revokeObjectURL(previous.url);
        return image;
      });
      setNotice(null);
    } catch (error) {
      setNotice((error as Error).message);
    }
  }

  function detach() {
    if (attachment) URL.revokeObjectURL(attachment.url);
    setAttachment(null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || running || !usable) return;
    // The conversation owns the image from here (its URL is revoked on reset).
    controller.askAsPerson(text, attachment ? [attachment] : []);
    setDraft('');
    setAttachment(null);
  }

  function onDrop(event: DragEvent) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    if (usable) void attach(event.dataTransfer.files[0]);
  }

  return (
    <div
      className="vlm"
      data-theme={config.theme}
      onDragEnter={(event) => hasFiles(event) && setDragging(true)}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="vlm-header">
        <strong>Image chat</strong>
        {config.allowModelChange && state.models.length > 0 ? (
          <select aria-label="Model" value={state.modelId} disabled={running} onChange={(event) => controller.pickModel(event.target.value)}>
            {state.models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.name}
              </option>
            ))}
          </select>
        ) : (
          <span className="vlm-model">{modelName}</span>
        )}
        <button type="button" className="vlm-icon" onClick={() => controller.reset()} disabled={!usable || turns.length === 0} title="New conversation">
          New
        </button>
      </header>

      <p className="vlm-status" role="status" data-tone={status.tone} data-backend={status.backend ?? ''}>
        {status.text}
      </p>

      {turns.length === 0 ? (
        <div className="vlm-empty">
          <p>Drop an image here or pick one, then ask about it.</p>
          {config.starter && usable ? (
            <button type="button" className="vlm-starter" onClick={() => setDraft(config.starter)}>
              {config.starter}
            </button>
          ) : null}
        </div>
      ) : (
        <ol className="vlm-log" aria-label="Conversation" ref={logRef}>
          {turns.map((turn) => (
            <TurnView key={turn.id} turn={turn} hostOrigin={hostOrigin} />
          ))}
        </ol>
      )}

      {notice ? (
        <p className="vlm-notice" role="alert">
          {notice}
        </p>
      ) : null}

      <form className="vlm-composer" onSubmit={submit}>
        {attachment ? (
          <figure className="vlm-attachment">
            <img src={attachment.url} alt="Attached image" />
            <button type="button" onClick={detach} aria-label="Remove image">
              ×
            </button>
          </figure>
        ) : null}
        <label className="vlm-pick" title="Pick an image">
          <input
            type="file"
            accept="image/*"
            disabled={!usable}
            onChange={(event) => {
              void attach(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
          <span aria-hidden="true">+</span>
          <span className="vlm-sr">Pick an image</span>
        </label>
        <textarea
          aria-label="Question"
          rows={1}
          placeholder={config.placeholder}
          value={draft}
          disabled={!usable}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        {running ? (
          <button type="button" className="vlm-send" onClick={() => controller.stopCurrent()}>
            Stop
          </button>
        ) : (
          <button type="submit" className="vlm-send" disabled={!usable || draft.trim() === ''}>
            Ask
          </button>
        )}
      </form>

      {dragging ? <div className="vlm-drop">Drop the image to attach it</div> : null}
    </div>
  );
}

/**
 * One question or answer. Memoised: while an answer streams only its own turn object changes, so
 * earlier answers are not re-parsed on every frame. Exported for its unit test.
 */
export const TurnView = memo(function TurnView({ turn, hostOrigin }: { turn: Turn; hostOrigin: string | null }) {
  return (
    <li className={`vlm-turn vlm-${turn.role}`} data-from={turn.from} data-status={turn.status}>
      {turn.role === 'user' && turn.from === 'host' ? <span className="vlm-badge">Asked by {hostOrigin ?? 'this site'}</span> : null}
      {turn.images.map((image) => (
        <img key={image.id} className="vlm-thumb" src={image.url} alt="" />
      ))}
      {turn.role === 'assistant' && turn.text ? (
        // Model output is untrusted: sanitised Markdown, as in the main chat (src/chat/markdown.ts).
        <Markdown text={turn.text} />
      ) : (
        <p>{turn.text || (turn.status === 'streaming' ? '…' : '')}</p>
      )}
      {turn.error ? <p className="vlm-error">{turn.error}</p> : null}
    </li>
  );
});
