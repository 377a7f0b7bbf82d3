/**
 * Work ahead of Enter: while a message with images is being written, the worker encodes its
 * images and prefills the conversation up to them (VlmWorkerApi.prepare), so the answer starts
 * from the question's text alone. Only on a loaded, idle model (it never loads one), after the
 * attachments, the detail or the conversation have been still for a moment; removing the images
 * drops what was prepared for them. The worker gives way to a generation at its next step, so
 * this never delays an answer by more than one step.
 */
import { useEffect, useRef } from 'react';
import { useBridge } from '../bridge/index.ts';
import { toPreparedTurns, type Message } from '../chat/conversation.ts';
import type { Attachment } from '../files/index.ts';
import type { ImageDetail, PrepareResult } from '../../workers/protocol.ts';
import { loadedModel, type RuntimeState } from './runtime-state.ts';

/** Attaching several images in a row (a multi-file drop, a paste after a pick) starts once. */
const SETTLE_MS = 250;

export interface PrepareAheadInput {
  enabled: boolean;
  runtime: RuntimeState;
  messages: readonly Message[];
  attachments: readonly Attachment[];
  detail: ImageDetail;
  /** Called with each result (tests and diagnostics read it from the page). */
  onResult?: (result: PrepareResult) => void;
}

export function usePrepareAhead({ enabled, runtime, messages, attachments, detail, onResult }: PrepareAheadInput): void {
  const bridge = useBridge();
  // What the worker was last asked to prepare ('' = nothing): asked again only when it changes.
  const asked = useRef('');
  const onResultRef = useRef(onResult);
  useEffect(() => {
    onResultRef.current = onResult;
  });
  const model = loadedModel(runtime);
  const idle = runtime.status === 'ready';
  const modelKey = model ? `${model.modelId}|${model.device}|${model.loadMs}` : '';
  const lastMessage = messages.at(-1);
  const imageIds = attachments.map((attachment) => attachment.id).join(',');

  useEffect(() => {
    if (!enabled || !idle || !modelKey) return;
    const wanted = imageIds ? `${modelKey}|${detail}|${messages.length}:${lastMessage?.id ?? ''}|${imageIds}` : '';
    if (wanted === asked.current) return;
    const timer = setTimeout(() => {
      asked.current = wanted;
      // No images (any more): an empty conversation makes the worker drop what it prepared.
      const turns = wanted ? toPreparedTurns(messages, attachments) : [];
      void bridge.prepare(turns, detail).then((result) => onResultRef.current?.(result));
    }, SETTLE_MS);
    return () => clearTimeout(timer);
    // `messages` and `attachments` are read through the keys above: a re-render with equal ones asks nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge, enabled, idle, modelKey, detail, imageIds, messages.length, lastMessage?.id]);
}
