/** The widget's composer: the attached image, "Pick an image", the question, and Ask (Stop while answering). */
import type { QuestionDraft } from './useQuestionDraft.ts';

export function EmbedComposer({
  question,
  usable,
  running,
  placeholder,
  onStop,
}: {
  question: QuestionDraft;
  usable: boolean;
  running: boolean;
  placeholder: string;
  onStop: () => void;
}) {
  const { attachment } = question;
  return (
    <form
      className="vlm-composer"
      onSubmit={(event) => {
        event.preventDefault();
        question.ask();
      }}
    >
      {attachment ? (
        <figure className="vlm-attachment">
          <img src={attachment.url} alt="Attached image" />
          <button type="button" onClick={question.detach} aria-label="Remove image">
            ×
          </button>
        </figure>
      ) : null}
      <label className="vlm-pick" title="Pick an image">
        <input
          type="file"
          accept="image/*"
          disabled={!usable}
          onChange={(event) => {
            void question.attach(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
        <span aria-hidden="true">+</span>
        <span className="vlm-sr">Pick an image</span>
      </label>
      <textarea
        aria-label="Question"
        rows={1}
        placeholder={placeholder}
        value={question.text}
        disabled={!usable}
        onChange={(event) => question.setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }
        }}
      />
      {running ? (
        <button type="button" className="vlm-send" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className="vlm-send" disabled={!usable || question.text.trim() === ''}>
          Ask
        </button>
      )}
    </form>
  );
}
