/** The conversation on screen: messages, streamed sanitised answers, per-answer actions and stats. */
export { MessageList } from './MessageList.tsx';
export { renderMarkdown } from './markdown.ts';
export * from './conversation.ts';
