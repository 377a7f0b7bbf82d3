import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../chat/conversation.ts';
import { ConversationStore } from './db.ts';
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

describe('export', () => {
  it('writes readable Markdown', () => {
    const markdown = conversationToMarkdown(conversation('x', 5));
    expect(markdown).toContain('# Chat x');
    expect(markdown).toContain('- Image: chart.png (640 × 480)');
    expect(markdown).toContain('What is in this chart?');
    expect(markdown).toContain('## Assistant (SmolVLM-test-tiny)');
    expect(markdown).toContain('A **bar** chart.\n\n*(stopped)*');
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
