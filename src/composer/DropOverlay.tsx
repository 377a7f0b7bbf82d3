import { UploadIcon } from '../lib/icons.tsx';

/** The drop zone over the whole window while files are dragged in. */
export function DropOverlay({ maxImages }: { maxImages: number }) {
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        <UploadIcon />
        <p className="drop-overlay-title">Drop images to add them</p>
        <p className="muted">JPEG, PNG, WebP, GIF, BMP or AVIF · up to {maxImages} per message</p>
      </div>
    </div>
  );
}
