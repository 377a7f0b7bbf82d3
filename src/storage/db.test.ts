import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { AssistantMessage, Conversation, UserMessage } from '../chat/conversation.ts';
import type { Attachment } from '../files/index.ts';
import { ConversationStore } from './db.ts';
import { draftFromRecord, DraftStore } from './drafts.ts';
import { conversationToJson, conversationToMarkdown, EXPORT_FORMAT, exportFileName } from './export.ts';

const png = new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });

function conversation(id: string, updatedAt: number): Conversation {
  return {
    id,
    title: `Chat ${id}`,
    createdAt: 0,
    updatedAt,
    messages: [
      { id: `${id}-u`, role: 'user', text: 'What is in this chart?', images: [{ id: `${id}-i`, blob: png, name: 'chart.png', format: 'png', width: 640, height: 480 }], createdAt: 1 },
      { id: `${id}-a`, role: 'assistant', text: 'A **bar** chart.', status: 'stopped', finishReason: 'stopped', createdAt: 2, modelId: 'SmolVLM-test-tiny' },
    ],
  };
}

describe('ConversationStore', () => {
  it('stores conversations with their image blobs, lists newest first, deletes', async () => {
    const store = new ConversationStore(indexedDB, `test-${Math.random()}`);
    await store.put(conversation('a', 10));
    await store.put(conversation('b', 20));
    expect((await store.list()).map((s) => [s.id, s.messageCount, s.imageCount])).toEqual([
      ['b', 2, 1],
      ['a', 2, 1],
    ]);
    const back = await store.get('a');
    const image = back?.messages[0]?.role === 'user' ? back.messages[0].images[0] : undefined;
    expect(image?.blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await image!.blob.arrayBuffer())).toEqual(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]));
    await store.delete('a');
    expect((await store.list()).map((s) => s.id)).toEqual(['b']);
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('ConversationStore, an answer as it streams', () => {
  it('keeps the streamed text apart from the chat, brings it back settled, and drops it once the chat is written again', async () => {
    const store = new ConversationStore(indexedDB, `test-${Math.random()}`);
    const asked = conversation('c', 10);
    const [question, answer] = asked.messages as [UserMessage, AssistantMessage];
    await store.put({ ...asked, messages: [question, { ...answer, text: '', status: 'pending' }] });
    await store.putStreamingAnswer('c', answer.id, ' A bar');
    await store.putStreamingAnswer('c', answer.id, ' A bar chart of');
    expect((await store.get('c'))?.messages[1]).toMatchObject({ status: 'stopped', stoppedBy: 'page-reload', text: 'A bar chart of' });

    // Written whole, with its text as it is then: what was saved apart is dropped.
    await store.put({ ...asked, messages: [question, { ...answer, text: ' A bar', status: 'streaming' }] });
    expect((await store.get('c'))?.messages[1]).toMatchObject({ stoppedBy: 'page-reload', text: 'A bar' });
    // Text saved for an answer that is no longer running changes nothing.
    await store.put({ ...asked, messages: [question, { ...answer, text: 'A bar chart.', status: 'done' }] });
    await store.putStreamingAnswer('c', answer.id, 'late');
    expect((await store.get('c'))?.messages[1]).toMatchObject({ status: 'done', text: 'A bar chart.' });
    store.close();
  });
});

/** The database as version 1 of the app left it: conversations and summaries, no drafts. */
async function versionOneDatabase(name: string, stored: Conversation): Promise<void> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('conversations', { keyPath: 'id' }).put(stored);
    open.result.createObjectStore('summaries', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
  };
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  db.close();
}

/** The PNG signature: enough for a draft image to be recognised as what it was added as. */
const pngSignature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const draftPng = new Blob([pngSignature], { type: 'image/png' });
const attachment = (id: string, blob: Blob = draftPng): Attachment => ({ id, blob, name: `${id}.png`, format: 'png', width: 640, height: 480 });

describe('DraftStore', () => {
  it('upgrades a version 1 database, keeping its chats, and keeps a draft per chat with its images', async () => {
    const name = `test-${Math.random()}`;
    await versionOneDatabase(name, conversation('old', 5));
    const chats = new ConversationStore(indexedDB, name);
    const drafts = new DraftStore(indexedDB, name);
    expect(await drafts.get('old')).toBeUndefined();
    expect((await chats.get('old'))?.title).toBe('Chat old');

    await drafts.put('old', { text: 'Half a question', images: [attachment('d1')] });
    await drafts.put('new-chat', { text: 'Another', images: [] });
    const back = await drafts.get('old');
    expect(back?.text).toBe('Half a question');
    expect(back?.images.map((image) => [image.id, image.width])).toEqual([['d1', 640]]);
    expect(new Uint8Array(await back!.images[0]!.blob.arrayBuffer())).toEqual(pngSignature);

    // Deleting a chat deletes its draft; other drafts stay.
    await chats.delete('old');
    expect(await drafts.get('old')).toBeUndefined();
    await drafts.delete('new-chat');
    expect(await drafts.get('new-chat')).toBeUndefined();
    chats.close();
    drafts.close();
  });

  it('leaves out draft images that cannot be restored, and keeps the rest', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    /** A Blob whose bytes are gone: it fails only when read. */
    class LostBlob extends Blob {
      override slice(): Blob {
        return { arrayBuffer: () => Promise.reject(new DOMException('The file could not be read.', 'NotReadableError')) } as Blob;
      }
    }
    const draft = await draftFromRecord({
      key: 'c',
      text: 'Compare these',
      images: [
        attachment('fine'),
        attachment('lost', new LostBlob([pngSignature])),
        attachment('not-a-png', new Blob(['hello'])),
        { ...attachment('no-size'), width: undefined },
        { ...attachment('no-blob'), blob: 'data:image/png;base64,' },
        null,
      ],
    });
    expect(draft?.text).toBe('Compare these');
    expect(draft?.images.map((image) => image.id)).toEqual(['fine']);
    expect(warn).toHaveBeenCalledWith('5 image(s) of a saved draft could not be restored and were left out.');
    expect(await draftFromRecord({ key: 'c', images: 'nonsense' })).toEqual({ text: '', images: [] });
    expect(await draftFromRecord(undefined)).toBeUndefined();
    warn.mockRestore();
  });
});

describe('export', () => {
  it('writes readable Markdown', () => {
    const markdown = conversationToMarkdown(conversation('x', 5));
    expect(markdown).toContain('# Chat x');
    expect(markdown).toContain('- Image: chart.png (640 × 480)');
    expect(markdown).toContain('What is in this chart?');
    expect(markdown).toContain('## Assistant (SmolVLM-test-tiny)');
    expect(markdown).toContain('A **bar** chart.\n\n*(stopped)*');
    const [question, answer] = conversation('y', 5).messages as [UserMessage, AssistantMessage];
    const reloaded = { ...conversation('y', 5), messages: [question, { ...answer, stoppedBy: 'page-reload' as const }] };
    expect(conversationToMarkdown(reloaded)).toContain('A **bar** chart.\n\n*(stopped: the page was reloaded)*');
  });

  it('writes complete JSON with images as data URLs', async () => {
    const json = JSON.parse(await conversationToJson(conversation('x', 5)));
    expect(json.format).toBe(EXPORT_FORMAT);
    expect(json.conversation.messages[0].images[0]).toMatchObject({ name: 'chart.png', dataUrl: 'data:image/png;base64,iVBORw==' });
    expect(json.conversation.messages[1]).toMatchObject({ text: 'A **bar** chart.', status: 'stopped' });
  });

  it('names the file after the chat', () => {
    expect(exportFileName({ ...conversation('x', 1), title: 'What’s in this chart? (Q3)' }, 'md')).toBe('whats-in-this-chart-q3.md');
    expect(exportFileName({ ...conversation('x', 1), title: '' }, 'json')).toBe('chat.json');
  });
});
