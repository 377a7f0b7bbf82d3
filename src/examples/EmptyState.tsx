/**
 * The empty chat: what the app does, "Try an example" (a generated scene into the composer) and
 * suggested questions that follow the selected model.
 */
import { useState } from 'react';
import type { ModelEntry } from '../../workers/protocol.ts';
import { fetchExample, suggestionsFor, type ShapesExample } from './examples.ts';

export function EmptyState({
  model,
  onSuggestion,
  onExample,
}: {
  model: ModelEntry | null;
  onSuggestion: (text: string) => void;
  /** Puts the example's image into the composer. */
  onExample: (file: File) => Promise<void>;
}) {
  const [example, setExample] = useState<ShapesExample | null>(null);
  const [next, setNext] = useState(0);
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const tryExample = async () => {
    setState({ kind: 'loading' });
    try {
      const { example: picked, file } = await fetchExample(next);
      await onExample(file);
      setExample(picked);
      setNext((index) => index + 1);
      setState({ kind: 'idle' });
    } catch (error) {
      setState({ kind: 'error', message: `The example could not be loaded: ${(error as Error).message}.` });
    }
  };

  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <h1 id="empty-title">Ask about an image</h1>
      <p className="muted">
        Drop a photo, chart or screenshot anywhere, paste one, or add it with the button below. The model runs on your device: nothing is
        uploaded.
      </p>
      {model?.builtIn && model.knows && <p className="muted empty-state-knows">{model.knows}</p>}
      <p>
        <button type="button" className="button secondary" onClick={() => void tryExample()} disabled={state.kind === 'loading'}>
          {example ? 'Try another example' : 'Try an example'}
        </button>
      </p>
      {state.kind === 'error' && (
        <p className="empty-state-error" role="alert">
          {state.message}
        </p>
      )}
      <ul className="suggestions" aria-label="Suggestions">
        {suggestionsFor(model, example).map((suggestion) => (
          <li key={suggestion}>
            <button type="button" className="suggestion" onClick={() => onSuggestion(suggestion)}>
              {suggestion}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
