/** The widget's conversation, kept scrolled to its newest turn; before the first question, how to start. */
import { useEffect, useRef } from 'react';
import type { Turn } from './controller.ts';
import { TurnView } from './TurnView.tsx';

export function TurnLog({
  turns,
  hostOrigin,
  starter,
  onStarter,
}: {
  turns: readonly Turn[];
  hostOrigin: string | null;
  /** A question the host suggests, offered while the log is empty ('' for none). */
  starter: string;
  onStarter: (question: string) => void;
}) {
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [turns]);

  if (turns.length === 0) {
    return (
      <div className="vlm-empty">
        <p>Drop an image here or pick one, then ask about it.</p>
        {starter ? (
          <button type="button" className="vlm-starter" onClick={() => onStarter(starter)}>
            {starter}
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <ol className="vlm-log" aria-label="Conversation" ref={logRef}>
      {turns.map((turn) => (
        <TurnView key={turn.id} turn={turn} hostOrigin={hostOrigin} />
      ))}
    </ol>
  );
}
