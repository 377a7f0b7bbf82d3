/**
 * Live camera: one question answered again and again on the newest camera frame. A frame is
 * taken only when the model is free (the loop waits for each answer, so nothing queues up), each
 * answer shows how old its frame is and how long it took, and the camera is released on Stop, when
 * the tab is hidden and when the mode is left. "Compare with the previous frame" sends the last
 * frame too, so the model can say what changed.
 */
import { useEffect, useRef, useState } from 'react';
import { useBridge, type PageTurn } from '../bridge/index.ts';
import { newId } from '../lib/ids.ts';
import { Modal } from '../lib/Modal.tsx';
import type { GenerateOptions } from '../../workers/protocol.ts';
import './live.css';

export const DEFAULT_LIVE_QUESTION = 'Describe what you see in one sentence.';
/** Frames are sent at most this large: the model reads one 512 px frame per image at low detail. */
const FRAME_EDGE = 512;
/** Answers kept on screen. */
const ANSWERS_KEPT = 20;

/** Why the loop is not asking: not started, paused by the person, or the tab was hidden. */
type LiveRun = { status: 'idle' } | { status: 'running' } | { status: 'paused'; why: 'person' | 'hidden' } | { status: 'failed'; message: string };

interface LiveFrame {
  id: string;
  blob: Blob;
  /** When it was taken (epoch ms, for the age shown) and on the page's clock (for latency). */
  takenAt: number;
  takenAtPerf: number;
}

interface LiveAnswer {
  id: string;
  text: string;
  takenAt: number;
  finishedAt: number;
  /** From the frame being taken to the answer's last token. */
  latencyMs: number;
  imageTokens: number;
  compared: boolean;
}

function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera access was denied. Allow the camera for this site in the browser settings.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device.';
  if (name === 'NotReadableError') return 'The camera is in use by another app. Close it and try again.';
  return `The camera could not start (${error instanceof Error ? error.message : String(error)}).`;
}

async function takeFrame(video: HTMLVideoElement): Promise<LiveFrame> {
  const scale = Math.min(1, FRAME_EDGE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
  canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
  const takenAt = Date.now();
  const takenAtPerf = performance.now();
  canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the frame could not be encoded'))), 'image/jpeg', 0.9));
  return { id: newId('live'), blob, takenAt, takenAtPerf };
}

/** The turn for one frame; with `previous`, both frames, the older first. */
function liveTurn(question: string, frame: LiveFrame, previous: LiveFrame | null): PageTurn {
  if (!previous) return { role: 'user', text: question, images: [{ id: frame.id, blob: frame.blob }] };
  const gap = ((frame.takenAt - previous.takenAt) / 1000).toFixed(1);
  return {
    role: 'user',
    text: `The first image is the previous camera frame, the second the newest, taken ${gap} s later. ${question} Say what changed.`,
    images: [
      { id: previous.id, blob: previous.blob },
      { id: frame.id, blob: frame.blob },
    ],
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `ready`: a model is loaded and no chat answer runs (the worker answers one call at a time). */
export function LiveCamera({ options, ready, onClose }: { options: GenerateOptions; ready: boolean; onClose: () => void }) {
  const bridge = useBridge();
  const preview = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [cameraWanted, setCameraWanted] = useState(true);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [run, setRun] = useState<LiveRun>({ status: 'idle' });
  const [question, setQuestion] = useState(DEFAULT_LIVE_QUESTION);
  const [compare, setCompare] = useState(false);
  const [answers, setAnswers] = useState<LiveAnswer[]>([]);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const settingsRef = useRef({ question, compare, options });
  useEffect(() => {
    settingsRef.current = { question, compare, options };
  });

  // The camera: on while the mode is open and not released by a hidden tab.
  useEffect(() => {
    if (!cameraWanted) return;
    let cancelled = false;
    let opened: MediaStream | null = null;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false }).then(
      (media) => {
        opened = media;
        if (cancelled) media.getTracks().forEach((track) => track.stop());
        else setStream(media);
      },
      (error: unknown) => {
        if (!cancelled) setCameraError(cameraErrorMessage(error));
      },
    );
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((track) => track.stop());
      setStream(null);
    };
  }, [cameraWanted]);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = stream;
  }, [stream]);

  // A hidden tab releases the camera (and pauses); the person resumes when they are back.
  useEffect(() => {
    const onVisibilityChange = () => {
      if (document.visibilityState !== 'hidden') return;
      setCameraWanted(false);
      setRun((current) => (current.status === 'running' ? { status: 'paused', why: 'hidden' } : current));
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => document.removeEventListener('visibilitychange', onVisibilityChange);
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // The loop: take the newest frame, answer, and only then take the next one.
  const running = run.status === 'running' && stream !== null;
  useEffect(() => {
    if (!running) return;
    const controller = new AbortController();
    let previous: LiveFrame | null = null;
    void (async () => {
      while (!controller.signal.aborted) {
        const video = preview.current;
        if (!video || !video.videoWidth) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        const frame = await takeFrame(video);
        const { question: asked, compare: comparing, options: generateOptions } = settingsRef.current;
        const withPrevious = comparing ? previous : null;
        let text = '';
        setStreaming('');
        const result = await bridge.generate([liveTurn(asked.trim() || DEFAULT_LIVE_QUESTION, frame, withPrevious)], generateOptions, (piece) => {
          text += piece;
          setStreaming(text);
        }, { signal: controller.signal });
        setStreaming(null);
        if (controller.signal.aborted) return;
        if (result.finishReason === 'error') {
          setRun({ status: 'failed', message: result.error?.message ?? 'The model could not answer.' });
          return;
        }
        const answer: LiveAnswer = {
          id: frame.id,
          text: result.text.trim(),
          takenAt: frame.takenAt,
          finishedAt: Date.now(),
          latencyMs: performance.now() - frame.takenAtPerf,
          imageTokens: result.timings.imageTokens,
          compared: withPrevious !== null,
        };
        setAnswers((list) => [answer, ...list].slice(0, ANSWERS_KEPT));
        previous = frame;
      }
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setRun({ status: 'failed', message: (error as Error).message });
    });
    return () => controller.abort();
  }, [running, bridge]);

  const averageMs = answers.length ? answers.reduce((sum, answer) => sum + answer.latencyMs, 0) / answers.length : null;
  const stop = () => {
    setRun({ status: 'idle' });
    setCameraWanted(false);
    onClose();
  };

  return (
    <Modal label="Live camera" onClose={stop} className="live-dialog">
      <h2 className="modal-title">Live camera</h2>
      <div className="camera-preview">
        {stream ? <video ref={preview} autoPlay playsInline muted aria-label="Live preview" /> : <p className="muted">{cameraError ?? (cameraWanted ? 'Starting the camera…' : 'The camera is off.')}</p>}
      </div>
      <label className="live-question">
        Question
        <input type="text" value={question} onChange={(event) => setQuestion(event.target.value)} />
      </label>
      <label className="live-compare">
        <input type="checkbox" checked={compare} onChange={(event) => setCompare(event.target.checked)} /> Compare with the previous frame
      </label>
      <p className="live-status muted" role="status" data-testid="live-status">
        {run.status === 'idle' && (ready ? 'Press Start: the question is answered on the newest frame, again and again.' : 'Waiting for the model to load…')}
        {run.status === 'running' && (streaming !== null ? `Answering the newest frame… ${streaming}` : 'Taking a frame…')}
        {run.status === 'paused' && (run.why === 'hidden' ? 'Paused: the camera was released while the tab was hidden.' : 'Paused.')}
        {run.status === 'failed' && run.message}
        {averageMs !== null && ` An answer takes about ${seconds(averageMs)} here.`}
      </p>
      <ol className="live-answers" aria-label="Live answers">
        {answers.map((answer) => (
          <li key={answer.id} data-taken-at={answer.takenAt} data-finished-at={answer.finishedAt} data-image-tokens={answer.imageTokens}>
            <p>{answer.text || '(no words)'}</p>
            <span className="live-answer-meta muted">
              frame {seconds(now - answer.takenAt)} old · answered in {seconds(answer.latencyMs)}
              {answer.compared ? ' · compared with the previous frame' : ''}
            </span>
          </li>
        ))}
      </ol>
      <div className="modal-actions">
        {run.status === 'running' ? (
          <button type="button" className="button secondary" onClick={() => setRun({ status: 'paused', why: 'person' })}>
            Pause
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            disabled={cameraError !== null || !ready}
            onClick={() => {
              setCameraWanted(true);
              setRun({ status: 'running' });
            }}
          >
            {run.status === 'idle' ? 'Start' : 'Resume'}
          </button>
        )}
        <button type="button" className="button secondary" onClick={stop}>
          Stop
        </button>
      </div>
    </Modal>
  );
}
