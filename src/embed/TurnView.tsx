/**
 * One question or answer. Memoised: while an answer streams only its own turn object changes, so
 * earlier answers are not re-parsed on every frame.
 */
import { memo } from 'react';
import { Markdown } from '../chat/Markdown.tsx';
import type { Turn } from './controller.ts';

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
