import { describe, expect, it } from 'vitest';
import type { Attachment } from '../files/index.ts';
import {
  conversationReducer,
  emptyConversation,
  questionFor,
  runningAnswer,
  settleInterrupted,
  titleFor,
  toContinuationTurns,
  toPageTurns,
  withStreamedText,
  type AssistantMessage,
  type ConversationState,
  type UserMessage,
} from './conversation.ts';

const image = (id: string): Attachment => ({ id, blob: new Blob(['x'], { type: 'image/png' }), name: `${id}.png`, format: 'png', width: 10, height: 10 });
const user = (id: string, text: string, images: Attachment[] = []): UserMessage => ({ id, role: 'user', text, images, createdAt: 1 });
const answer = (id: string): AssistantMessage => ({ id, role: 'assistant', text: '', status: 'pending', createdAt: 2, modelId: 'm' });
const start = (): ConversationState => ({ conversation: emptyConversation('c1', 0), revision: 0 });

describe('conversationReducer', () => {
  it('asks, streams without bumping the revision, and finishes', () => {
    let state = conversationReducer(start(), { type: 'ask', user: user('u1', 'What is this?', [image('i1')]), answer: answer('a1') });
    expect(state.conversation.title).toBe('What is this?');
    const asked = state.revision;
    state = conversationReducer(state, { type: 'answer-delta', answerId: 'a1', text: 'A ' });
    state = conversationReducer(state, { type: 'answer-delta', answerId: 'a1', text: 'cat' });
    expect(state.revision).toBe(asked);
    expect(state.conversation.messages[1]).toMatchObject({ status: 'streaming', text: 'A cat' });
    state = conversationReducer(state, { type: 'answer-finish', answerId: 'a1', text: 'A cat.', status: 'stopped', finishReason: 'stopped' });
    expect(state.conversation.messages[1]).toMatchObject({ status: 'stopped', text: 'A cat.' });
    expect(state.revision).toBe(asked + 1);
  });

  it('regenerates and edits by dropping everything after the question', () => {
    let state = conversationReducer(start(), { type: 'ask', user: user('u1', 'one'), answer: answer('a1') });
    state = conversationReducer(state, { type: 'answer-finish', answerId: 'a1', text: 'first', status: 'done', finishReason: 'eos' });
    state = conversationReducer(state, { type: 'ask', user: user('u2', 'two'), answer: answer('a2') });
    state = conversationReducer(state, { type: 'rerun', userId: 'u1', answer: answer('a3'), text: 'one, edited' });
    expect(state.conversation.messages.map((m) => m.id)).toEqual(['u1', 'a3']);
    expect(state.conversation.messages[0]).toMatchObject({ text: 'one, edited' });
    expect(state.conversation.title).toBe('one, edited');
    state = conversationReducer(state, { type: 'rerun', userId: 'u1', answer: answer('a4') });
    expect(state.conversation.messages.map((m) => m.id)).toEqual(['u1', 'a4']);
  });

  it('keeps the region a region task asked about when it is answered again, and drops it once its text is edited', () => {
    const asked: UserMessage = { ...user('u1', '<REGION_TO_DESCRIPTION><loc_100><loc_100><loc_500><loc_500>', [image('i1')]), region: { imageId: 'i1', box: [1, 1, 5, 5] } };
    let state = conversationReducer(start(), { type: 'ask', user: asked, answer: answer('a1') });
    state = conversationReducer(state, { type: 'rerun', userId: 'u1', answer: answer('a2') });
    expect(state.conversation.messages[0]).toMatchObject({ region: { imageId: 'i1', box: [1, 1, 5, 5] } });
    state = conversationReducer(state, { type: 'rerun', userId: 'u1', answer: answer('a3'), text: asked.text });
    expect(state.conversation.messages[0]).toMatchObject({ region: { imageId: 'i1' } });
    state = conversationReducer(state, { type: 'rerun', userId: 'u1', answer: answer('a4'), text: '<REGION_TO_DESCRIPTION><loc_1><loc_1><loc_9><loc_9>' });
    expect(state.conversation.messages[0]).not.toHaveProperty('region');
  });

  it('keeps a failure in place with its error', () => {
    let state = conversationReducer(start(), { type: 'ask', user: user('u1', 'q'), answer: answer('a1') });
    state = conversationReducer(state, { type: 'answer-fail', answerId: 'a1', error: { name: 'GpuDeviceLostError', message: 'lost' }, failedOn: 'webgpu' });
    expect(state.conversation.messages[1]).toMatchObject({ status: 'error', error: { name: 'GpuDeviceLostError' }, failedOn: 'webgpu' });
  });
});

describe('toPageTurns', () => {
  it('sends the whole conversation with image ids, partial answers included, failed empty ones left out', () => {
    const messages = [
      user('u1', 'what?', [image('i1')]),
      { ...answer('a1'), text: 'partial', status: 'stopped' as const },
      user('u2', 'and?'),
      { ...answer('a2'), status: 'error' as const },
      user('u3', 'again'),
      answer('a3'),
    ];
    const turns = toPageTurns(messages, 'u3');
    expect(turns.map((t) => [t.role, t.text, t.images?.map((i) => i.id)])).toEqual([
      ['user', 'what?', ['i1']],
      ['assistant', 'partial', undefined],
      ['user', 'and?', undefined],
      ['user', 'again', undefined],
    ]);
    expect(toPageTurns(messages, 'u1')).toHaveLength(1);
    expect(questionFor(messages, 'a3')?.id).toBe('u3');
  });
});

describe('helpers', () => {
  it('titles a chat from its first line, or its images', () => {
    expect(titleFor('  Describe\nthis chart ', 1)).toBe('Describe');
    expect(titleFor('', 2)).toBe('2 images');
    expect(titleFor('x'.repeat(80), 0)).toHaveLength(58);
  });
});

describe('an answer cut short by a reload, and continued', () => {
  /** The state written when the question is asked, with its answer pending. */
  const asked = (): ConversationState => conversationReducer(start(), { type: 'ask', user: user('u1', 'Describe the sea', [image('i1')]), answer: answer('a1') });
  /** The state a few pieces later: the text is saved on its own as it streams (not the revision). */
  function streaming(): ConversationState {
    const state = conversationReducer(asked(), { type: 'answer-delta', answerId: 'a1', text: ' The sea' });
    return conversationReducer(state, { type: 'answer-delta', answerId: 'a1', text: ' is' });
  }

  it('comes back stopped by the reload with the text saved, which the model can go on from', () => {
    expect(runningAnswer(streaming().conversation)?.id).toBe('a1');
    const written = asked().conversation;
    expect(withStreamedText(written, 'a1', ' The sea is').messages[1]).toMatchObject({ status: 'pending', text: ' The sea is' });
    expect(withStreamedText(written, 'another answer', ' The sea is')).toBe(written);
    const settled = settleInterrupted(withStreamedText(written, 'a1', ' The sea is'));
    expect(settled.messages[1]).toMatchObject({ status: 'stopped', finishReason: 'stopped', stoppedBy: 'page-reload', text: 'The sea is' });
    expect(settleInterrupted(settled)).toBe(settled);
    expect(runningAnswer(settled)).toBeUndefined();
    expect(withStreamedText(settled, 'a1', 'older text')).toBe(settled);
    const turns = toContinuationTurns(settled.messages, 'a1');
    expect(turns?.map((turn) => [turn.role, turn.text, turn.images?.map((i) => i.id), turn.unfinished])).toEqual([
      ['user', 'Describe the sea', ['i1'], undefined],
      ['assistant', 'The sea is', undefined, true],
    ]);
  });

  it('continues the last answer in place: pending with its text, then the text grows and it finishes', () => {
    let state = { conversation: settleInterrupted(streaming().conversation), revision: 5 };
    state = conversationReducer(state, { type: 'continue', answerId: 'a1' });
    expect(state.revision).toBe(6);
    expect(state.conversation.messages[1]).toEqual({ id: 'a1', role: 'assistant', text: 'The sea is', status: 'pending', createdAt: 2, modelId: 'm' });
    state = conversationReducer(state, { type: 'answer-delta', answerId: 'a1', text: ' blue' });
    state = conversationReducer(state, { type: 'answer-finish', answerId: 'a1', text: 'The sea is blue', status: 'stopped', finishReason: 'stopped' });
    expect(state.conversation.messages[1]).toMatchObject({ status: 'stopped', stoppedBy: 'person', text: 'The sea is blue' });
  });

  it('restarts a running answer from the text kept, dropping what streamed and why it stopped', () => {
    let state = { conversation: streaming().conversation, revision: 5 };
    state = conversationReducer(state, { type: 'answer-restart', answerId: 'a1', text: '' });
    expect(state.revision).toBe(6);
    expect(state.conversation.messages[1]).toEqual({ id: 'a1', role: 'assistant', text: '', status: 'pending', createdAt: 2, modelId: 'm' });
  });

  it('continues only the last answer, and only one stopped with text', () => {
    let state = conversationReducer(start(), { type: 'ask', user: user('u1', 'q'), answer: answer('a1') });
    const pending = conversationReducer(state, { type: 'continue', answerId: 'a1' });
    expect(pending).toBe(state);
    state = conversationReducer(state, { type: 'answer-finish', answerId: 'a1', text: 'done', status: 'done', finishReason: 'eos' });
    expect(conversationReducer(state, { type: 'continue', answerId: 'a1' })).toBe(state);
    expect(toContinuationTurns(state.conversation.messages, 'a1')).toBeUndefined();
    state = conversationReducer(state, { type: 'answer-finish', answerId: 'a1', text: 'half', status: 'stopped', finishReason: 'stopped' });
    state = conversationReducer(state, { type: 'ask', user: user('u2', 'q2'), answer: answer('a2') });
    expect(conversationReducer(state, { type: 'continue', answerId: 'a1' })).toBe(state);
    expect(toContinuationTurns(state.conversation.messages, 'a1')).toBeUndefined();
  });
});
