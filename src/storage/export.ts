/**
 * A conversation as a file a person can keep: Markdown to read (images listed by name and size)
 * and JSON to archive (images embedded as data URLs, so the file is complete on its own).
 */
import type { Conversation, Message } from '../chat/conversation.ts';

export const EXPORT_FORMAT = 'vlm-chat.conversation';
export const EXPORT_VERSION = 1;

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

function answerNote(message: Extract<Message, { role: 'assistant' }>): string {
  if (message.status === 'stopped') return message.stoppedBy === 'page-reload' ? '\n\n*(stopped: the page was reloaded)*' : '\n\n*(stopped)*';
  if (message.status === 'error') return `\n\n*(failed: ${message.error?.message ?? 'unknown error'})*`;
  return '';
}

export function conversationToMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title || 'Chat'}`, '', `*Exported ${isoDate(Date.now())} · started ${isoDate(conversation.createdAt)}*`, ''];
  for (const message of conversation.messages) {
    if (message.role === 'user') {
      lines.push('## You', '');
      for (const image of message.images) lines.push(`- Image: ${image.name} (${image.width} × ${image.height})`);
      if (message.images.length) lines.push('');
      lines.push(message.text || '*(no text)*', '');
    } else {
      lines.push(`## Assistant (${message.modelId})`, '', `${message.text}${answerNote(message)}`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

async function dataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(binary)}`;
}

export async function conversationToJson(conversation: Conversation): Promise<string> {
  const messages = await Promise.all(
    conversation.messages.map(async (message) => {
      if (message.role === 'assistant') return message;
      const images = await Promise.all(
        message.images.map(async ({ blob, ...image }) => ({ ...image, type: blob.type, dataUrl: await dataUrl(blob) })),
      );
      return { ...message, images };
    }),
  );
  return JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: isoDate(Date.now()), conversation: { ...conversation, messages } }, null, 2);
}

/** A file name from the title: "what-is-in-this-picture.md". */
export function exportFileName(conversation: Conversation, extension: 'md' | 'json'): string {
  const slug = (conversation.title || 'chat')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 48)
    .replace(/-+$/, '');
  return `${slug || 'chat'}.${extension}`;
}
