/** The scrolling middle of the page: the model's status, then the conversation, or the examples to start one. */
import { MessageList } from '../chat/index.ts';
import { EmptyState } from '../examples/index.ts';
import type { Attachment } from '../files/index.ts';
import { ModelStatus } from './ModelStatus.tsx';
import type { ChatController } from './useChatController.ts';

export function ConversationPane({
  chat,
  onSuggestion,
  onExample,
  onView,
}: {
  chat: ChatController;
  /** A suggested question goes into the composer's draft. */
  onSuggestion: (text: string) => void;
  /** An example image is attached as if the person had picked it. */
  onExample: (file: File) => Promise<void>;
  onView: (image: Attachment) => void;
}) {
  const { conversation, catalog } = chat;
  const modelNames = Object.fromEntries((catalog.models ?? []).map((entry) => [entry.id, entry.name]));
  return (
    <main className="chat-scroll" aria-label="Conversation">
      <div className="chat-column">
        <ModelStatus chat={chat} />
        {conversation.messages.length === 0 ? (
          <EmptyState model={chat.selectedModel ?? null} onSuggestion={onSuggestion} onExample={onExample} />
        ) : (
          <>
            <h1 className="visually-hidden">{conversation.title || 'Chat'}</h1>
            <MessageList
              conversation={conversation}
              busy={chat.busy}
              modelLoading={chat.runtime.status === 'loading-model'}
              modelNames={modelNames}
              onRegenerate={chat.regenerate}
              onRunOnCpu={chat.runOnCpu}
              onContinue={chat.continueAnswer}
              onEdit={chat.editAndResend}
              onView={onView}
            />
          </>
        )}
      </div>
    </main>
  );
}
