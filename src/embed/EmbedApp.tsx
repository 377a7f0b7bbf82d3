/** The compact chat inside the frame: pick or drop an image, ask, read the streamed answer, stop. */
import { useEffect, useSyncExternalStore } from 'react';
import type { EmbedController } from './controller.ts';
import { EmbedComposer } from './EmbedComposer.tsx';
import { EmbedHeader } from './EmbedHeader.tsx';
import { statusLine } from './status.ts';
import { TurnLog } from './TurnLog.tsx';
import { useFileDrag } from './useFileDrag.ts';
import { useQuestionDraft } from './useQuestionDraft.ts';

export function EmbedApp({ controller }: { controller: EmbedController }) {
  const state = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const { config } = state;
  const usable = state.access.kind === 'open';
  const running = state.run.kind === 'running';
  const status = statusLine(state);
  const hostOrigin = state.access.kind === 'open' ? state.access.hostOrigin : null;
  const question = useQuestionDraft(controller, usable && !running);
  const { dragging, handlers } = useFileDrag((file) => {
    if (usable) void question.attach(file);
  });

  useEffect(() => {
    if (config.allowModelChange) void controller.loadModelList();
  }, [controller, config.allowModelChange]);

  return (
    <div className="vlm" data-theme={config.theme} {...handlers}>
      <EmbedHeader controller={controller} state={state} usable={usable} running={running} />
      <p className="vlm-status" role="status" data-tone={status.tone} data-backend={status.backend ?? ''}>
        {status.text}
      </p>
      <TurnLog turns={state.turns} hostOrigin={hostOrigin} starter={usable ? config.starter : ''} onStarter={question.setText} />
      {question.refusal ? (
        <p className="vlm-notice" role="alert">
          {question.refusal}
        </p>
      ) : null}
      <EmbedComposer question={question} usable={usable} running={running} placeholder={config.placeholder} onStop={() => controller.stopCurrent()} />
      {dragging ? <div className="vlm-drop">Drop the image to attach it</div> : null}
    </div>
  );
}
