/** The bar above the chat: the chat-list toggle (narrow screens), the model picker, where the model runs, export and settings. */
import { MenuIcon, SettingsIcon } from '../lib/icons.tsx';
import { BackendBadge, ModelPicker } from '../models/index.ts';
import { ExportMenu } from '../storage/index.ts';
import type { LoadResult } from '../../workers/protocol.ts';
import type { ChatController } from './useChatController.ts';

export function TopBar({
  chat,
  loaded,
  drawerOpen,
  onShowChats,
  onOpenSettings,
}: {
  chat: ChatController;
  loaded: LoadResult | null;
  drawerOpen: boolean;
  onShowChats: () => void;
  onOpenSettings: () => void;
}) {
  const { catalog, conversation } = chat;
  return (
    <header className="topbar">
      <button type="button" className="icon-button sidebar-toggle" aria-label="Show chats" aria-expanded={drawerOpen} onClick={onShowChats}>
        <MenuIcon />
      </button>
      <ModelPicker
        models={catalog.models}
        selected={chat.selectedModel}
        backend={chat.settings.backend}
        capabilities={catalog.capabilities}
        cache={catalog.cache}
        disabled={chat.busy}
        onSelect={chat.selectModel}
      />
      <BackendBadge model={loaded} capabilities={catalog.capabilities} />
      <span className="topbar-spacer" />
      <ExportMenu conversation={conversation} disabled={conversation.messages.length === 0} />
      <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={onOpenSettings}>
        <SettingsIcon />
      </button>
    </header>
  );
}
