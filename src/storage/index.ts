/** Where chats live: IndexedDB (with image Blobs), the chat list, unsent drafts, and the files chats export to. */
export { ConversationStore, summarize, type ConversationSummary } from './db.ts';
export { DB_NAME } from './database.ts';
export { DatabaseBlockedError, DatabaseRefusedError, saveFailureCause, saveFailureWarning, type SaveFailureCause } from './save-failure.ts';
export { DraftStore, draftFromRecord, type Draft } from './drafts.ts';
export { conversationToMarkdown, conversationToJson, exportFileName, EXPORT_FORMAT } from './export.ts';
export { ChatList } from './ChatList.tsx';
export { ExportMenu } from './ExportMenu.tsx';
