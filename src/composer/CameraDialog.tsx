/**
 * Take a photo with the device camera: a live preview, then "Capture" turns the current frame into
 * a JPEG file that goes through the same checks as any other file. The camera stops on close.
 */
import { useEffect, useRef, useState } from 'react';
import { CameraIcon } from '../lib/icons.tsx';
import { Modal } from '../lib/Modal.tsx';

export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera access was denied. Allow the camera for this site in the browser settings, or add a photo from your files.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device. Add a photo from your files instead.';
  if (name === 'NotReadableError') return 'The camera is in use by another app. Close it and try again.';
  return `The camera could not start (${error instanceof Error ? error.message : String(error)}).`;
}

export function CameraDialog({ onCapture, onError, onClose }: { onCapture: (file: File) => void; onError: (message: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const callbacks = useRef({ onError, onClose });
  useEffect(() => {
    callbacks.current = { onError, onClose };
  });

  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1920 } }, audio: false }).then(
      (media) => {
        opened = media;
        if (cancelled) media.getTracks().forEach((track) => track.stop());
        else setStream(media);
      },
      (error: unknown) => {
        if (cancelled) return;
        callbacks.current.onError(cameraErrorMessage(error));
        callbacks.current.onClose();
      },
    );
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream]);

  const capture = () => {
    const element = video.current;
    if (!element || !element.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    canvas.getContext('2d')!.drawImage(element, 0, 0);
    canvas.toBlob(
      (blob) => {
        if (!blob) {
          onError('The photo could not be captured. Try again.');
          return;
        }
        const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
        onCapture(new File([blob], `camera-${stamp}.jpg`, { type: 'image/jpeg' }));
        onClose();
      },
      'image/jpeg',
      0.92,
    );
  };

  return (
    <Modal label="Camera" onClose={onClose} className="camera-dialog">
      <h2 className="modal-title">Take a photo</h2>
      <div className="camera-preview">
        {stream ? <video ref={video} autoPlay playsInline muted aria-label="Camera preview" /> : <p className="muted">Starting the camera…</p>}
      </div>
      <div className="modal-actions">
        <form method="dialog">
          <button className="button secondary">Cancel</button>
        </form>
        <button type="button" className="button primary" onClick={capture} disabled={!stream}>
          <CameraIcon /> Capture
        </button>
      </div>
    </Modal>
  );
}
