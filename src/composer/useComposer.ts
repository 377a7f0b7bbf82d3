/**
 * What the person is about to send: the draft text, the images waiting (each already judged by
 * its bytes), and the refusals to show in the alert region. Adding a bad file never touches the
 * draft or the images already accepted. Given a place to keep it, the draft is saved per chat as
 * it is written and comes back after a reload (useSavedDraft).
 */
import { useCallback, useRef, useState } from 'react';
import { intakeImageFile, quoteName, type Attachment, type Refusal } from '../files/index.ts';
import type { Draft } from '../storage/index.ts';
import { useSavedDraft, type SavedDraftOptions } from './useSavedDraft.ts';

export interface ComposerState {
  draft: string;
  setDraft: (text: string) => void;
  attachments: Attachment[];
  refusals: Refusal[];
  /** Files are being read and checked. */
  adding: boolean;
  addFiles: (files: readonly File[]) => Promise<void>;
  removeAttachment: (id: string) => void;
  dismissRefusals: () => void;
  /** Shows a problem that is not about a file (camera denied, nothing to send). */
  reportProblem: (message: string) => void;
  /** Empties the composer after a successful send (and deletes the saved draft at once). */
  reset: () => void;
  /** Resolves once every file being added has been checked. */
  settled: () => Promise<void>;
  /** The draft and images as of now (for use after awaiting `settled`). */
  current: () => { draft: string; attachments: Attachment[] };
}

export function tooManyImagesMessage(maxImages: number, modelName: string, leftOut: readonly string[]): string {
  const names = leftOut.map(quoteName).join(', ');
  const what = leftOut.length === 1 ? `${names} was not added` : `${leftOut.length} images were not added (${names})`;
  return `A message can carry at most ${maxImages} images with ${modelName}; ${what}. Send these first, or remove one.`;
}

export function useComposer(maxImages: number, modelName: string, saved?: SavedDraftOptions): ComposerState {
  const [draft, setDraftState] = useState('');
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const [pending, setPending] = useState(0);
  // The accepted list as of the latest change, so overlapping adds share one limit.
  const acceptedRef = useRef<Attachment[]>([]);
  const draftRef = useRef('');
  const intakes = useRef(new Set<Promise<void>>());

  const showText = useCallback((text: string) => {
    draftRef.current = text;
    setDraftState(text);
  }, []);
  const showImages = useCallback((images: Attachment[]) => {
    acceptedRef.current = images;
    setAttachments(images);
  }, []);
  const savedDraft = useCallback((): Draft => ({ text: draftRef.current, images: acceptedRef.current }), []);
  // A draft coming back is not an edit: it is shown, not saved again.
  const restore = useCallback(
    (draft: Draft) => {
      showText(draft.text);
      showImages(draft.images);
      setRefusals([]);
    },
    [showImages, showText],
  );
  const edited = useSavedDraft(saved, savedDraft, restore);

  const setDraft = useCallback(
    (text: string) => {
      showText(text);
      edited();
    },
    [edited, showText],
  );

  const commit = useCallback(
    (next: Attachment[]) => {
      showImages(next);
      edited();
    },
    [edited, showImages],
  );

  const intake = useCallback(
    async (files: readonly File[]) => {
      setPending((n) => n + 1);
      const refused: Refusal[] = [];
      const leftOut: string[] = [];
      try {
        for (const file of files) {
          if (acceptedRef.current.length >= maxImages) {
            leftOut.push(file.name || 'pasted image');
            continue;
          }
          const result = await intakeImageFile(file);
          if (!result.ok) {
            refused.push(result.refusal);
            continue;
          }
          if (acceptedRef.current.length >= maxImages) leftOut.push(result.attachment.name);
          else commit([...acceptedRef.current, result.attachment]);
        }
        if (leftOut.length) {
          refused.push({ reason: 'too-many-images', fileName: leftOut.join(', '), message: tooManyImagesMessage(maxImages, modelName, leftOut) });
        }
      } finally {
        setRefusals(refused);
        setPending((n) => n - 1);
      }
    },
    [commit, maxImages, modelName],
  );

  const addFiles = useCallback(
    (files: readonly File[]) => {
      if (files.length === 0) return Promise.resolve();
      const running = intake(files);
      intakes.current.add(running);
      void running.finally(() => intakes.current.delete(running));
      return running;
    },
    [intake],
  );

  const settled = useCallback(async () => {
    while (intakes.current.size) await Promise.allSettled([...intakes.current]);
  }, []);
  const current = useCallback(() => ({ draft: draftRef.current, attachments: acceptedRef.current }), []);

  const removeAttachment = useCallback((id: string) => commit(acceptedRef.current.filter((attachment) => attachment.id !== id)), [commit]);
  const dismissRefusals = useCallback(() => setRefusals([]), []);
  const reportProblem = useCallback((message: string) => setRefusals([{ reason: 'unreadable', fileName: '', message }]), []);
  const reset = useCallback(() => {
    setDraft('');
    commit([]);
    setRefusals([]);
  }, [commit, setDraft]);

  return { draft, setDraft, attachments, refusals, adding: pending > 0, addFiles, removeAttachment, dismissRefusals, reportProblem, reset, settled, current };
}
