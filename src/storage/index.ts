/** Where chats live: IndexedDB (with image Blobs), the chat list, and the files they export to. */
export { ConversationStore, summarize, DB_NAME, type ConversationSummary } from './db.ts';
export { conversationToMarkdown, conversationToJson, exportFileName, EXPORT_FORMAT } from './export.ts';
export { ChatList } from './ChatList.tsx';
export { ExportMenu } from './ExportMenu.tsx';
