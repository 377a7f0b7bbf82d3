import type { Attachment } from '../files/index.ts';
import { CloseIcon } from '../lib/icons.tsx';
import { useObjectUrl } from '../lib/useObjectUrl.ts';
import { Modal } from '../lib/Modal.tsx';

/** An image shown large, with its name and size. */
export function ImageViewer({ image, onClose }: { image: Attachment; onClose: () => void }) {
  const url = useObjectUrl(image.blob);
  return (
    <Modal label={`Image ${image.name}`} onClose={onClose} className="image-viewer">
      <figure>
        {url && <img src={url} alt={image.name} />}
        <figcaption>
          <span className="image-viewer-name">{image.name}</span>
          <span className="muted">
            {image.width} × {image.height} · {image.format.toUpperCase()}
          </span>
        </figcaption>
      </figure>
      <form method="dialog">
        <button className="icon-button image-viewer-close" aria-label="Close" autoFocus>
          <CloseIcon />
        </button>
      </form>
    </Modal>
  );
}
