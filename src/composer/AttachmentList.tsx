import type { Attachment } from '../files/index.ts';
import { CloseIcon } from '../lib/icons.tsx';
import { useObjectUrl } from '../lib/useObjectUrl.ts';

function Thumbnail({ image, tokens, onView, onRemove }: { image: Attachment; tokens: number | null; onView: () => void; onRemove: () => void }) {
  const url = useObjectUrl(image.blob);
  return (
    <li className="thumbnail">
      <button type="button" className="thumbnail-view" onClick={onView} aria-label={`View ${image.name}`} title={`${image.name} · ${image.width} × ${image.height}`}>
        {url && <img src={url} alt="" />}
      </button>
      {image.note && (
        <span className="thumbnail-note" role="note" aria-label={image.note} title={image.note}>
          1st frame
        </span>
      )}
      {tokens !== null && (
        <span className="thumbnail-tokens" title="Image tokens this image costs at the chosen detail">
          {tokens} tok
        </span>
      )}
      <button type="button" className="thumbnail-remove" onClick={onRemove} aria-label={`Remove ${image.name}`}>
        <CloseIcon />
      </button>
    </li>
  );
}

/** The images waiting to be sent: click to enlarge, × to remove. */
export function AttachmentList({
  attachments,
  tokensFor,
  onView,
  onRemove,
}: {
  attachments: Attachment[];
  tokensFor: (image: Attachment) => number | null;
  onView: (image: Attachment) => void;
  onRemove: (id: string) => void;
}) {
  if (!attachments.length) return null;
  return (
    <ul className="thumbnails" aria-label="Images to send">
      {attachments.map((image) => (
        <Thumbnail key={image.id} image={image} tokens={tokensFor(image)} onView={() => onView(image)} onRemove={() => onRemove(image.id)} />
      ))}
    </ul>
  );
}
