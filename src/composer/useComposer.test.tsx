// @vitest-environment jsdom
/**
 * The composer hook itself, rendered in a component: real files through the real intake (bytes
 * sniffed and checked), with the browser's decoder stubbed because jsdom has none.
 */
import { act, useLayoutEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureBytes } from '../files/__fixtures__/images.ts';
import type { Draft } from '../storage/index.ts';
import type { DraftStorage } from './draft-saver.ts';
import { tooManyImagesMessage, useComposer, type ComposerState } from './useComposer.ts';
import type { SavedDraftOptions } from './useSavedDraft.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const png = (name: string) => new File([fixtureBytes('png') as BlobPart], name, { type: 'image/png' });
const text = (name: string) => new File(['not an image'], name, { type: 'text/plain' });

let root: Root;
let container: HTMLDivElement;
let composer: ComposerState;

/** Renders the hook and hands each state to the test after the render. */
function Probe({ maxImages, saved, onState }: { maxImages: number; saved?: SavedDraftOptions; onState: (state: ComposerState) => void }) {
  const state = useComposer(maxImages, 'SmolVLM 256M', saved);
  useLayoutEffect(() => {
    onState(state);
  });
  return null;
}

beforeEach(() => {
  vi.stubGlobal('createImageBitmap', async () => ({ width: 40, height: 30, close: () => undefined }));
  container = document.createElement('div');
  root = createRoot(container);
  act(() => root.render(<Probe maxImages={2} onState={(state) => void (composer = state)} />));
});
afterEach(() => {
  act(() => root.unmount());
  vi.unstubAllGlobals();
});

const add = (files: File[]) => act(() => composer.addFiles(files));

describe('useComposer', () => {
  it('accepts images up to the model limit and names the ones left out', async () => {
    await add([png('a.png'), png('b.png')]);
    await add([png('c.png')]);
    expect(composer.attachments.map((image) => image.name)).toEqual(['a.png', 'b.png']);
    expect(composer.attachments[0]).toMatchObject({ format: 'png', width: 40, height: 30 });
    expect(composer.refusals).toEqual([{ reason: 'too-many-images', fileName: 'c.png', message: tooManyImagesMessage(2, 'SmolVLM 256M', ['c.png']) }]);
  });

  it('shares the limit between adds that overlap', async () => {
    await act(async () => {
      void composer.addFiles([png('a.png'), png('b.png')]);
      void composer.addFiles([png('c.png'), png('d.png')]);
      await composer.settled();
    });
    expect(composer.attachments).toHaveLength(2);
    expect(composer.current().attachments).toEqual(composer.attachments);
  });

  it('refuses a file that is not an image without touching the draft or the images already there', async () => {
    act(() => composer.setDraft('What is this?'));
    await add([png('a.png')]);
    await add([text('notes.png')]);
    expect(composer.refusals).toHaveLength(1);
    expect(composer.refusals[0]).toMatchObject({ fileName: 'notes.png', reason: 'not-an-image' });
    expect(composer.draft).toBe('What is this?');
    expect(composer.attachments.map((image) => image.name)).toEqual(['a.png']);
  });

  it('empties after a send, and reports problems that are not about a file', async () => {
    act(() => composer.setDraft('Describe it'));
    await add([png('a.png')]);
    act(() => composer.reset());
    expect(composer.current()).toEqual({ draft: '', attachments: [] });
    act(() => composer.reportProblem('The camera was refused.'));
    expect(composer.refusals).toEqual([{ reason: 'unreadable', fileName: '', message: 'The camera was refused.' }]);
  });
});

describe('useComposer with a saved draft', () => {
  const stored = new Map<string, Draft>();
  const storage: DraftStorage = {
    get: async (key) => stored.get(key),
    put: async (key, draft) => void stored.set(key, draft),
    delete: async (key) => void stored.delete(key),
  };
  const show = (key: string | null, store = storage) =>
    act(() => root.render(<Probe maxImages={2} saved={{ key, storage: store }} onState={(state) => void (composer = state)} />));
  /** Lets the store's promises and the saver's pause before writing run out. */
  const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 450)));
  const shown = () => ({ text: composer.draft, images: composer.attachments.map((image) => image.name) });

  beforeEach(() => {
    stored.clear();
    act(() => root.unmount());
    root = createRoot(container);
  });

  it('keeps a draft per chat: saved as it is written, back when its chat is shown again, deleted when sent', async () => {
    show('chat-1');
    act(() => composer.setDraft('What is in'));
    await add([png('a.png')]);
    await settle();
    expect(stored.get('chat-1')).toMatchObject({ text: 'What is in', images: [{ name: 'a.png' }] });

    // Another chat: the draft does not follow; that chat's own comes back.
    stored.set('chat-2', { text: 'Elsewhere', images: [] });
    show('chat-2');
    await settle();
    expect(shown()).toEqual({ text: 'Elsewhere', images: [] });

    // A reload: a new composer, the chat not known for a moment, then its draft.
    act(() => root.unmount());
    root = createRoot(container);
    show(null);
    await settle();
    expect(shown()).toEqual({ text: '', images: [] });
    show('chat-1');
    await settle();
    expect(shown()).toEqual({ text: 'What is in', images: ['a.png'] });

    act(() => composer.reset());
    await act(() => Promise.resolve());
    expect(stored.has('chat-1')).toBe(false);
  });

  it('keeps what was typed before the chat was known, and typing goes on when the store fails', async () => {
    stored.set('chat-1', { text: 'An older draft', images: [] });
    show(null);
    act(() => composer.setDraft('Typed at once'));
    show('chat-1');
    await settle();
    expect(shown()).toEqual({ text: 'Typed at once', images: [] });
    expect(stored.get('chat-1')?.text).toBe('Typed at once');

    act(() => root.unmount());
    root = createRoot(container);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failing: DraftStorage = { get: () => Promise.reject(new Error('gone')), put: () => Promise.reject(new Error('full')), delete: () => Promise.reject(new Error('gone')) };
    show('chat-1', failing);
    act(() => composer.setDraft('Still typing'));
    await settle();
    expect(shown()).toEqual({ text: 'Still typing', images: [] });
    expect(warn).toHaveBeenCalledWith('Could not save the draft', expect.any(Error));
    warn.mockRestore();
  });
});

describe('tooManyImagesMessage', () => {
  it('names the limit, the model and what was left out', () => {
    expect(tooManyImagesMessage(4, 'SmolVLM 256M', ['e.png'])).toBe(
      'A message can carry at most 4 images with SmolVLM 256M; “e.png” was not added. Send these first, or remove one.',
    );
    expect(tooManyImagesMessage(4, 'SmolVLM 256M', ['e.png', 'f.png'])).toContain('2 images were not added (“e.png”, “f.png”)');
  });
});
