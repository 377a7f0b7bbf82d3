/**
 * The question the person is writing: its text, the one image attached (checked by its bytes), and
 * why an image was refused. The image's object URL is revoked when it is replaced or removed; once
 * asked, the conversation owns it (and revokes it on reset).
 */
import { useState } from 'react';
import type { EmbedController } from './controller.ts';
import { imageFromBlob, type EmbedImage } from './images.ts';

export interface QuestionDraft {
  text: string;
  setText: (text: string) => void;
  attachment: EmbedImage | null;
  /** Why the last image was refused; null once one is accepted. */
  refusal: string | null;
  attach: (file: File | undefined) => Promise<void>;
  detach: () => void;
  /** Asks the question unless it is empty or `canAsk` is false, then starts a new draft. */
  ask: () => void;
}

export function useQuestionDraft(controller: Pick<EmbedController, 'askAsPerson'>, canAsk: boolean): QuestionDraft {
  const [text, setText] = useState('');
  const [attachment, setAttachment] = useState<EmbedImage | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  async function attach(file: File | undefined) {
    if (!file) return;
    try {
      const image = await imageFromBlob(file, file.name);
      setAttachment((previous) => {
        if (previous) URL.revokeObjectURL(previous.url);
        return image;
      });
      setRefusal(null);
    } catch (error) {
      setRefusal((error as Error).message);
    }
  }

  function detach() {
    if (attachment) URL.revokeObjectURL(attachment.url);
    setAttachment(null);
  }

  function ask() {
    const question = text.trim();
    if (!question || !canAsk) return;
    controller.askAsPerson(question, attachment ? [attachment] : []);
    setText('');
    setAttachment(null);
  }

  return { text, setText, attachment, refusal, attach, detach, ask };
}
