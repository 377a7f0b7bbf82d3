/**
 * An answer's regions drawn over the image it is about: one colour per label, the label on each
 * box, a legend whose entries highlight their boxes on hover or focus (as do the boxes), a toggle
 * to see the picture without them, and exports: JSON in the original image's pixels and a PNG
 * with the boxes burned in. OCR with regions lists the lines it read under the picture as real
 * text (select it, or "Copy all text"), each line tied to its quadrilateral: hovering or focusing
 * one highlights the other. The geometry is region-overlay.ts's; this only draws.
 */
import { useRef, useState } from 'react';
import type { AnswerRegions } from '../../workers/protocol.ts';
import type { Attachment } from '../files/index.ts';
import { CheckIcon, CopyIcon } from '../lib/icons.tsx';
import { useElementSize } from '../lib/useElementSize.ts';
import { useObjectUrl } from '../lib/useObjectUrl.ts';
import { copyText, useCopiedFlash } from './CopyButton.tsx';
import { fitContain, labelColour, ocrLines, ocrText, quadPoints, regionRect, regionsJson } from './region-overlay.ts';

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The image at its own size with the boxes and labels drawn on it. */
async function burnedInPng(image: Blob, answer: AnswerRegions): Promise<Blob> {
  const bitmap = await createImageBitmap(image);
  const canvas = document.createElement('canvas');
  canvas.width = answer.width;
  canvas.height = answer.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0, answer.width, answer.height);
  bitmap.close();
  const line = Math.max(2, Math.round(Math.max(answer.width, answer.height) / 300));
  context.lineWidth = line;
  context.font = `${line * 7}px sans-serif`;
  context.textBaseline = 'top';
  for (const region of answer.regions) {
    const colour = labelColour(region.label);
    context.strokeStyle = colour;
    const [left, top, right, bottom] = region.box;
    if (region.quad) {
      context.beginPath();
      for (let i = 0; i + 1 < region.quad.length; i += 2) context[i === 0 ? 'moveTo' : 'lineTo'](region.quad[i]!, region.quad[i + 1]!);
      context.closePath();
      context.stroke();
    } else {
      context.strokeRect(left, top, right - left, bottom - top);
    }
    if (region.label) {
      const width = context.measureText(region.label).width + line * 2;
      context.fillStyle = colour;
      context.fillRect(left, top, width, line * 9);
      context.fillStyle = '#fff';
      context.fillText(region.label, left + line, top + line);
    }
  }
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be made.'))), 'image/png'));
}

export function RegionOverlay({ answer, image }: { answer: AnswerRegions; image: Attachment }) {
  const url = useObjectUrl(image.blob);
  const frame = useRef<HTMLDivElement>(null);
  // The boxes follow the picture's displayed size (the column's width, the window's size).
  const box = useElementSize(frame);
  const [visible, setVisible] = useState(true);
  // The pointer's region wins over the focused one; leaving it goes back to the focused one.
  const [hovered, setHovered] = useState<number | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const highlighted = hovered ?? focused;

  const fit = box ? fitContain({ width: answer.width, height: answer.height }, box) : null;
  const labels = [...new Set(answer.regions.map((region) => region.label))];
  const lines = ocrLines(answer);
  const highlight = (index: number) => ({
    onMouseEnter: () => setHovered(index),
    onMouseLeave: () => setHovered(null),
    onFocus: () => setFocused(index),
    onBlur: () => setFocused(null),
  });
  const stem = image.name.replace(/\.[^.]+$/, '') || 'image';
  return (
    <figure className="region-overlay" aria-label="Regions in the image">
      <div className="region-frame" ref={frame}>
        {url && <img src={url} alt={`${image.name} with ${answer.regions.length} regions`} />}
        {fit && visible && (
          <svg className="region-layer" width={box!.width} height={box!.height} aria-hidden="true">
            {answer.regions.map((region, index) => {
              const rect = regionRect(region, fit);
              const colour = labelColour(region.label);
              const active = highlighted === null || highlighted === index || answer.regions[highlighted]?.label === region.label;
              return (
                <g
                  key={index}
                  className={`region ${highlighted === index ? 'highlighted' : ''} ${active ? '' : 'dimmed'}`}
                  data-label={region.label}
                  data-box={region.box.join(',')}
                  data-index={index}
                  onMouseEnter={() => setHovered(index)}
                  onMouseLeave={() => setHovered(null)}
                >
                  {region.quad ? (
                    <polygon points={quadPoints(region.quad, fit)} stroke={colour} />
                  ) : (
                    <rect x={rect.left} y={rect.top} width={rect.width} height={rect.height} stroke={colour} />
                  )}
                  {region.label && (
                    <text x={rect.left + 3} y={rect.top + 12} fill={colour}>
                      {region.label}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        )}
      </div>
      <figcaption className="region-controls">
        <label className="region-toggle">
          <input type="checkbox" checked={visible} onChange={(event) => setVisible(event.target.checked)} /> Boxes
        </label>
        {/* OCR lines are each their own label: the list of lines below stands for the legend. */}
        {lines.length === 0 && (
          <ul className="region-legend" aria-label="Labels">
            {labels.map((label) => {
              const first = answer.regions.findIndex((region) => region.label === label);
              const count = answer.regions.filter((region) => region.label === label).length;
              return (
                <li key={label}>
                  <button type="button" className="region-label" style={{ borderColor: labelColour(label) }} {...highlight(first)}>
                    {label || '(no label)'} {count > 1 ? `×${count}` : ''}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <button type="button" className="button secondary small" onClick={() => download(new Blob([regionsJson(answer)], { type: 'application/json' }), `${stem}-regions.json`)}>
          Export JSON
        </button>
        <button type="button" className="button secondary small" onClick={() => void burnedInPng(image.blob, answer).then((png) => download(png, `${stem}-regions.png`))}>
          Export PNG
        </button>
      </figcaption>
      {lines.length > 0 && <OcrTextLayer answer={answer} highlighted={highlighted} highlight={highlight} />}
    </figure>
  );
}

/**
 * The lines an OCR answer read, as text a person can select and copy, in reading order; each
 * line focusable (Tab) and tied to its quadrilateral over the picture.
 */
function OcrTextLayer({
  answer,
  highlighted,
  highlight,
}: {
  answer: AnswerRegions;
  highlighted: number | null;
  highlight: (index: number) => Record<'onMouseEnter' | 'onMouseLeave' | 'onFocus' | 'onBlur', () => void>;
}) {
  const [copied, flashCopied] = useCopiedFlash();
  const lines = ocrLines(answer);
  return (
    <section className="ocr-text" aria-label="Text in the image">
      <ol className="ocr-lines">
        {lines.map((line) => (
          <li
            key={line.index}
            tabIndex={0}
            className={highlighted === line.index ? 'highlighted' : ''}
            style={{ borderColor: labelColour(line.text) }}
            data-index={line.index}
            {...highlight(line.index)}
          >
            {line.text || '(no text)'}
          </li>
        ))}
      </ol>
      <button type="button" className="button secondary small" aria-label="Copy all text" onClick={() => void copyText(ocrText(answer)).then(flashCopied)}>
        {copied ? <CheckIcon /> : <CopyIcon />} {copied ? 'Copied' : 'Copy all text'}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {copied ? 'Copied' : ''}
      </span>
    </section>
  );
}
