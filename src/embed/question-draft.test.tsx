// @vitest-environment jsdom
/**
 * The person's draft in the widget: images are checked by their bytes, a replaced or removed image
 * frees its object URL, and an asked one is handed to the conversation without being freed.
 */
import { act, useLayoutEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureBytes } from '../files/__fixtures__/images.ts';
import { useQuestionDraft, type QuestionDraft } from './useQuestionDraft.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const png = (name: string) => new File([fixtureBytes('png') as BlobPart], name, { type: 'image/png' });

let root: Root;
let draft: QuestionDraft;
let urls = 0;
const revoke = vi.fn();
const askAsPerson = vi.fn();

function Probe({ canAsk }: { canAsk: boolean }) {
  const state = useQuestionDraft({ askAsPerson }, canAsk);
  useLayoutEffect(() => {
    draft = state;
  });
  return null;
}
const render = (canAsk: boolean) => act(() => root.render(<Probe canAsk={canAsk} />));

beforeEach(() => {
  urls = 0;
  vi.stubGlobal('URL', Object.assign(class extends URL {}, { createObjectURL: () => `blob:image-${++urls}`, revokeObjectURL: revoke }));
  root = createRoot(document.createElement('div'));
  render(true);
});
afterEach(() => {
  act(() => root.unmount());
  vi.unstubAllGlobals();
  revoke.mockReset();
  askAsPerson.mockReset();
});

describe('useQuestionDraft', () => {
  it('frees the URL of an image that is replaced or removed', async () => {
    await act(() => draft.attach(png('a.png')));
    await act(() => draft.attach(png('b.png')));
    expect(revoke).toHaveBeenCalledWith('blob:image-1');
    expect(draft.attachment?.url).toBe('blob:image-2');
    act(() => draft.detach());
    expect(revoke).toHaveBeenLastCalledWith('blob:image-2');
    expect(draft.attachment).toBeNull();
  });

  it('names a refused file and keeps the image already attached', async () => {
    await act(() => draft.attach(png('a.png')));
    await act(() => draft.attach(new File(['not an image'], 'notes.txt', { type: 'image/png' })));
    expect(draft.refusal).toMatch(/notes\.txt/);
    expect(draft.attachment?.url).toBe('blob:image-1');
    await act(() => draft.attach(png('b.png')));
    expect(draft.refusal).toBeNull();
  });

  it('hands the question and its image to the conversation, then starts a new draft', async () => {
    await act(() => draft.attach(png('a.png')));
    act(() => draft.setText('  What colour?  '));
    act(() => draft.ask());
    expect(askAsPerson).toHaveBeenCalledWith('What colour?', [expect.objectContaining({ url: 'blob:image-1' })]);
    expect(revoke).not.toHaveBeenCalled();
    expect([draft.text, draft.attachment]).toEqual(['', null]);
  });

  it('asks nothing when the draft is blank or asking is not possible now', () => {
    act(() => draft.setText('   '));
    act(() => draft.ask());
    render(false);
    act(() => draft.setText('Hello?'));
    act(() => draft.ask());
    expect(askAsPerson).not.toHaveBeenCalled();
    expect(draft.text).toBe('Hello?');
  });
});
