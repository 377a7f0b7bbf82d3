/**
 * The region a region task ("Describe a region") asks about, drawn over the picture the model
 * will look at: drag a box with a mouse, a pen or a finger; drag again to redraw; "Clear region"
 * to start over. The box lives in the message's text ("left top right bottom" in the image's own
 * pixels): a drag writes it there, and typing it there (the keyboard's way) moves the box. This
 * only handles the pointer; the geometry is region-input.ts's.
 */
import { useRef, useState, type PointerEvent } from 'react';
import type { PixelBox } from '../../workers/protocol.ts';
import { fitContain, regionRect, type Fit } from '../chat/region-overlay.ts';
import type { Attachment } from '../files/index.ts';
import { useElementSize } from '../lib/useElementSize.ts';
import { useObjectUrl } from '../lib/useObjectUrl.ts';
import { draggedBox, frameToImage, orderedBox, regionProblem, type Point } from './region-input.ts';

export interface RegionPickerProps {
  /** The image the model will look at (the attached one, else the conversation's latest). */
  image: Attachment | undefined;
  /** The region the message holds now, as typed or drawn (null: none, or not four numbers). */
  box: PixelBox | null;
  taskLabel: string;
  onDraw: (box: PixelBox) => void;
  onClear: () => void;
}

export function RegionPicker({ image, box, taskLabel, onDraw, onClear }: RegionPickerProps) {
  return (
    <section className="region-picker" aria-label="Region to ask about">
      {image ? (
        <RegionCanvas key={image.id} image={image} box={box} taskLabel={taskLabel} onDraw={onDraw} onClear={onClear} />
      ) : (
        <p className="region-readout muted">{taskLabel}: attach an image, then drag a box over it to choose the region.</p>
      )}
    </section>
  );
}

interface Drag {
  pointerId: number;
  start: Point;
  end: Point;
}

function RegionCanvas({ image, box, onDraw, onClear }: RegionPickerProps & { image: Attachment }) {
  const url = useObjectUrl(image.blob);
  const frame = useRef<HTMLDivElement>(null);
  const size = useElementSize(frame);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [missed, setMissed] = useState(false);
  const fit: Fit | null = size ? fitContain(image, size) : null;

  const local = (event: PointerEvent<HTMLDivElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !fit) return;
    // No text selection or image drag; the frame keeps the pointer when it leaves mid-drag.
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const point = local(event);
    setDrag({ pointerId: event.pointerId, start: point, end: point });
    setMissed(false);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag?.pointerId === event.pointerId) setDrag({ ...drag, end: local(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (drag?.pointerId !== event.pointerId || !fit) return;
    const drawn = draggedBox(drag.start, local(event), fit, image);
    setDrag(null);
    if (drawn) onDraw(drawn);
    else setMissed(true);
  };

  // While dragging, the box follows the pointer (kept inside the picture); otherwise the message's region.
  let shown: PixelBox | null = box && orderedBox(box);
  if (drag && fit) {
    const a = frameToImage(drag.start, fit, image);
    const b = frameToImage(drag.end, fit, image);
    shown = [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)];
  }
  const rect = shown && fit ? regionRect({ label: '', box: shown }, fit) : null;
  const problem = box ? regionProblem(box, image) : null;
  const [left, top, right, bottom] = box ? orderedBox(box) : [0, 0, 0, 0];
  return (
    <>
      <div
        ref={frame}
        className={`region-frame region-draw ${drag ? 'dragging' : ''}`}
        role="img"
        aria-label={`${image.name}: drag to draw the region`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
      >
        {url && <img src={url} alt="" draggable={false} />}
        {size && rect && (
          <svg className="region-layer" width={size.width} height={size.height} aria-hidden="true">
            <rect
              className={`asked-region ${problem && !drag ? 'invalid' : ''}`}
              data-box={shown!.map((value) => Math.round(value)).join(',')}
              x={rect.left}
              y={rect.top}
              width={rect.width}
              height={rect.height}
            />
          </svg>
        )}
      </div>
      <div className="region-picker-row">
        <p className="region-readout" aria-live="polite">
          {missed
            ? 'A click, or a drag beside the picture, draws no region: drag across the picture.'
            : !box
              ? `No region yet: drag a box over the picture, or type it in the message as left top right bottom (the image is ${image.width} × ${image.height}).`
              : problem
                ? `This region cannot be sent: ${problem}`
                : `Region: ${left}, ${top} → ${right}, ${bottom} px (${right - left} × ${bottom - top} of ${image.width} × ${image.height}).`}
        </p>
        <button type="button" className="button secondary small" onClick={onClear} disabled={!box}>
          Clear region
        </button>
      </div>
    </>
  );
}
