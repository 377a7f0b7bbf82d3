/**
 * Where a question is written: the "Message" textbox (Enter sends, Shift+Enter is a new line), the
 * images waiting, "Add image" and "Take photo", Send/Stop, and the alert region that names every
 * file that was refused. Files also arrive by drop and paste anywhere on the page (see App).
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { Attachment } from '../files/index.ts';
import { plural } from '../lib/format.ts';
import { CameraIcon, CloseIcon, ImageIcon, SendIcon, StopIcon } from '../lib/icons.tsx';
import { AttachmentList } from './AttachmentList.tsx';
import { cameraAvailable } from './CameraDialog.tsx';
import type { ComposerState } from './useComposer.ts';
import './composer.css';

export interface ComposerProps {
  composer: ComposerState;
  /** An answer is pending or streaming: Send becomes Stop. */
  busy: boolean;
  stopping: boolean;
  maxImages: number;
  /** Image tokens each image costs at the chosen detail (null when unknown). */
  tokensFor: (image: Attachment) => number | null;
  detailLabel: string;
  onSend: () => void;
  onStop: () => void;
  onView: (image: Attachment) => void;
  onOpenCamera: () => void;
  /** A video waiting to be sent (shown above the textbox), and whether it lets Send go ('busy': Send waits for it). */
  media?: { node: ReactNode; state: 'busy' | 'ready' | 'blocked' } | null;
  /** A Send was pressed and waits for the video's frames. */
  waitingForMedia?: boolean;
  /** Files picked with "Add image" (videos included) go here instead of straight to the composer. */
  onPickFiles?: (files: File[]) => void;
  /** Opens the live camera mode (absent: no such button). */
  onOpenLive?: () => void;
  /** What the message box asks for, when a task gives the message a meaning (a phrase, a region). */
  placeholder?: string;
  /** Send needs no text or new image (a task without input, on an image already in the chat). */
  readyWithoutText?: boolean;
}

export function Composer({ composer, busy, stopping, maxImages, tokensFor, detailLabel, onSend, onStop, onView, onOpenCamera, media, waitingForMedia = false, onPickFiles, onOpenLive, placeholder, readyWithoutText = false }: ComposerProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const { draft, setDraft, attachments, refusals, adding } = composer;
  // While an image is still being checked or a video's frames sampled, Send waits for them (see
  // App) rather than doing nothing.
  const canSend = !busy && !waitingForMedia && media?.state !== 'blocked' && (draft.trim() !== '' || attachments.length > 0 || adding || media != null || readyWithoutText);
  const imageTokens = attachments.reduce((sum, image) => sum + (tokensFor(image) ?? 0), 0);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (canSend) onSend();
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <div role="alert" className="composer-alerts">
        {refusals.length > 0 && (
          <div className="composer-alert">
            <ul>
              {refusals.map((refusal, index) => (
                <li key={index}>{refusal.message}</li>
              ))}
            </ul>
            <button type="button" className="icon-button small" onClick={composer.dismissRefusals} aria-label="Dismiss">
              <CloseIcon />
            </button>
          </div>
        )}
      </div>
      <div className="composer-box">
        <AttachmentList attachments={attachments} tokensFor={tokensFor} onView={onView} onRemove={composer.removeAttachment} />
        {media?.node}
        <label htmlFor="composer-message" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-message"
          className="composer-input"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={placeholder ?? (attachments.length ? 'Ask about the image…' : 'Ask anything, or add an image…')}
          rows={1}
          autoComplete="off"
          spellCheck
        />
        <div className="composer-toolbar">
          <button type="button" className="tool-button" onClick={() => fileInput.current?.click()} aria-label="Add image" title="Add image (or drop / paste one)">
            <ImageIcon />
            <span className="tool-label">Add image</span>
          </button>
          {cameraAvailable() && (
            <button type="button" className="tool-button" onClick={onOpenCamera} aria-label="Take photo" title="Take a photo with the camera">
              <CameraIcon />
              <span className="tool-label">Camera</span>
            </button>
          )}
          {onOpenLive && cameraAvailable() && (
            <button type="button" className="tool-button" onClick={onOpenLive} aria-label="Live camera" title="Ask about the camera, again and again" disabled={busy}>
              <CameraIcon />
              <span className="tool-label">Live</span>
            </button>
          )}
          <span className="composer-hint" aria-live="polite">
            {waitingForMedia
              ? 'Sends when the video’s frames are ready…'
              : adding
              ? 'Checking image…'
              : attachments.length
                ? `${plural(attachments.length, 'image')} of ${maxImages} · ${imageTokens ? `${imageTokens.toLocaleString('en-US')} image tokens` : 'image tokens unknown'} · ${detailLabel}`
                : ''}
          </span>
          {busy ? (
            <button type="button" className="send-button stop" onClick={onStop} disabled={stopping} aria-label="Stop" title="Stop the answer">
              <StopIcon />
            </button>
          ) : (
            <button type="submit" className="send-button" disabled={!canSend} aria-label="Send" title="Send (Enter)">
              <SendIcon />
            </button>
          )}
        </div>
      </div>
      <input
        ref={fileInput}
        type="file"
        accept={onPickFiles ? 'image/*,.heic,.heif,.avif,video/*,.mkv,.mov' : 'image/*,.heic,.heif,.avif'}
        multiple
        hidden
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          if (onPickFiles) onPickFiles(files);
          else void composer.addFiles(files);
        }}
      />
      <p className="composer-footnote muted">Runs on your device: images and questions never leave it. Answers can be wrong.</p>
    </form>
  );
}
