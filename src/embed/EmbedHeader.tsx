/** The widget's title bar: the model (a picker where the host allows changing it) and "New". */
import type { EmbedController, EmbedSnapshot } from './controller.ts';

export function EmbedHeader({ controller, state, usable, running }: { controller: EmbedController; state: EmbedSnapshot; usable: boolean; running: boolean }) {
  const modelName = state.models.find((model) => model.id === state.modelId)?.name ?? state.modelId;
  return (
    <header className="vlm-header">
      <strong>Image chat</strong>
      {state.config.allowModelChange && state.models.length > 0 ? (
        <select aria-label="Model" value={state.modelId} disabled={running} onChange={(event) => controller.pickModel(event.target.value)}>
          {state.models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.name}
            </option>
          ))}
        </select>
      ) : (
        <span className="vlm-model">{modelName}</span>
      )}
      <button type="button" className="vlm-icon" onClick={() => controller.reset()} disabled={!usable || state.turns.length === 0} title="New conversation">
        New
      </button>
    </header>
  );
}
