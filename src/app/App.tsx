/**
 * The chat page: chat list, model picker and backend badge, the conversation, and the composer.
 * Images can be dropped anywhere on the window or pasted; bad files are named in the composer's
 * alert region without touching the draft, the chat or the loaded model.
 */
import { useEffect, useRef, useState } from 'react';
import { MessageList } from '../chat/index.ts';
import { EmptyState } from '../examples/index.ts';
import { CameraDialog, Composer, DropOverlay, ImageViewer, useComposer, useWindowDrop, useWindowPaste } from '../composer/index.ts';
import type { Attachment } from '../files/index.ts';
import { CloseIcon, ImageIcon, MenuIcon, PlusIcon, SettingsIcon } from '../lib/icons.tsx';
import { BackendBadge, LoadStatus, MAX_IMAGES_PER_MESSAGE, ModelPicker, predictDevice } from '../models/index.ts';
import { appPwa, downloadStatus, ModelsStoragePanel, OfflineNotice, UpdatePrompt } from '../pwa/index.ts';
import { SettingsDialog } from '../settings/index.ts';
import { ChatList, ExportMenu } from '../storage/index.ts';
import { offeredDetail, planImage, SMOLVLM_GEOMETRY } from '../../workers/models/image-detail.ts';
import type { Capabilities, DeviceRequest, ModelEntry } from '../../workers/protocol.ts';
import { loadedModel } from './runtime-state.ts';
import { useChatController } from './useChatController.ts';
import './app.css';

/** Where the chat list becomes a drawer; the same width as the media query in app.css. */
const NARROW_SCREEN = '(max-width: 54rem)';

/** The current time, refreshed every minute (for "5 min ago"). */
function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function App() {
  const chat = useChatController();
  const { runtime, selectedModel, settings, catalog, conversation } = chat;
  const maxImages = selectedModel ? MAX_IMAGES_PER_MESSAGE[selectedModel.family] : MAX_IMAGES_PER_MESSAGE.smolvlm;
  const composer = useComposer(maxImages, selectedModel?.name ?? 'this model');
  const dragging = useWindowDrop((files) => void composer.addFiles(files));
  useWindowPaste((files) => void composer.addFiles(files));
  const [viewing, setViewing] = useState<Attachment | null>(null);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const now = useNow();
  // The service worker controller (registered in main.tsx): "Update available — Reload".
  const [pwa] = useState(appPwa);

  // The tab shows which chat is open.
  const title = conversation.title;
  useEffect(() => {
    document.title = title ? `${title} · VLM Chat` : 'VLM Chat — private image chat in your browser';
  }, [title]);

  // The drawer exists only on narrow screens: widening the window closes it (else the page
  // behind would stay inert with no drawer to close).
  useEffect(() => {
    const narrow = window.matchMedia(NARROW_SCREEN);
    const onChange = () => {
      if (!narrow.matches) setSidebarOpen(false);
    };
    narrow.addEventListener('change', onChange);
    return () => narrow.removeEventListener('change', onChange);
  }, []);

  // The chat list as a drawer (narrow screens): focus moves in, Escape or the close button closes
  // it and focus goes back to the toggle, once the page behind is no longer inert (next render).
  const focusToggleOnClose = useRef(false);
  const closeSidebar = () => {
    focusToggleOnClose.current = true;
    setSidebarOpen(false);
  };
  useEffect(() => {
    if (!sidebarOpen) {
      if (focusToggleOnClose.current) document.querySelector<HTMLButtonElement>('.sidebar-toggle')?.focus();
      focusToggleOnClose.current = false;
      return;
    }
    document.querySelector<HTMLButtonElement>('.sidebar .new-chat')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeSidebar();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [sidebarOpen]);

  const loaded = loadedModel(runtime);
  const missingBytes = useMissingBytes(selectedModel, settings.backend, catalog.capabilities);
  const device = loaded?.device ?? predictDevice(settings.backend, catalog.capabilities);
  const geometry = selectedModel?.geometry ?? SMOLVLM_GEOMETRY;
  // The detail the selected model is given (a model may offer only the ones it was trained for).
  const detail = offeredDetail(settings.detail, selectedModel?.details);
  const tokensFor = (image: Attachment) => planImage(image.width, image.height, detail, device, geometry).imageTokens;
  const modelNames = Object.fromEntries((catalog.models ?? []).map((entry) => [entry.id, entry.name]));
  const firstImage = composer.attachments[0];
  const example = firstImage
    ? { width: firstImage.width, height: firstImage.height, label: firstImage.name }
    : { width: 1920, height: 1080, label: 'a full-HD screenshot' };

  const send = async () => {
    // Images still being checked go with this message: wait for them, then read the latest.
    await composer.settled();
    const { draft, attachments } = composer.current();
    if (chat.send(draft, attachments)) composer.reset();
  };
  const closeSidebarThen = (action: () => void) => () => {
    setSidebarOpen(false);
    action();
  };

  return (
    <div className={`app ${sidebarOpen ? 'sidebar-open' : ''}`} data-runtime={runtime.status}>
      <aside className="sidebar" aria-label="Chats">
        <div className="sidebar-head">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true">
              <ImageIcon />
            </span>
            VLM Chat
          </span>
          <button type="button" className="icon-button sidebar-close" aria-label="Close chat list" onClick={closeSidebar}>
            <CloseIcon />
          </button>
        </div>
        <button type="button" className="button new-chat" onClick={closeSidebarThen(() => void chat.newChat())}>
          <PlusIcon /> New chat
        </button>
        <h2 className="sidebar-title">Recent</h2>
        <nav aria-label="Past chats">
          <ChatList
            summaries={chat.summaries}
            activeId={conversation.id}
            now={now}
            onOpen={(id) => {
              setSidebarOpen(false);
              void chat.openChat(id);
            }}
            onDelete={(id) => void chat.deleteChat(id)}
          />
        </nav>
      </aside>
      <div className="sidebar-scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />

      {/* Behind the open drawer nothing can be focused or clicked, as behind a modal. */}
      <div className="main" inert={sidebarOpen}>
        <header className="topbar">
          <button type="button" className="icon-button sidebar-toggle" aria-label="Show chats" aria-expanded={sidebarOpen} onClick={() => setSidebarOpen(true)}>
            <MenuIcon />
          </button>
          <ModelPicker
            models={catalog.models}
            selected={selectedModel}
            backend={settings.backend}
            capabilities={catalog.capabilities}
            cache={catalog.cache}
            disabled={chat.busy}
            onSelect={chat.selectModel}
          />
          <BackendBadge model={loaded} capabilities={catalog.capabilities} />
          <span className="topbar-spacer" />
          <ExportMenu conversation={conversation} disabled={conversation.messages.length === 0} />
          <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={() => setSettingsOpen(true)}>
            <SettingsIcon />
          </button>
        </header>

        <UpdatePrompt pwa={pwa} />
        {chat.notices.length > 0 && (
          <div className="notices" role="status">
            {chat.notices.map((notice) => (
              <p key={notice.id} className={`notice ${notice.tone}`}>
                <span>{notice.text}</span>
                <button type="button" className="icon-button small" aria-label="Dismiss notice" onClick={() => chat.dismissNotice(notice.id)}>
                  <CloseIcon />
                </button>
              </p>
            ))}
          </div>
        )}

        <main className="chat-scroll" aria-label="Conversation">
          <div className="chat-column">
            {selectedModel && runtime.status !== 'ready' && runtime.status !== 'generating' && (
              <OfflineNotice modelName={selectedModel.name} missingBytes={missingBytes} />
            )}
            <LoadStatus
              runtime={runtime}
              models={catalog.models}
              selected={selectedModel}
              backend={settings.backend}
              capabilities={catalog.capabilities}
              cache={catalog.cache}
              onLoad={chat.loadSelectedModel}
              onRetry={chat.retryLoad}
              onUseBuiltIn={chat.selectModel}
            />
            {conversation.messages.length === 0 ? (
              <EmptyState model={selectedModel ?? null} onSuggestion={composer.setDraft} onExample={(file) => composer.addFiles([file])} />
            ) : (
              <>
                <h1 className="visually-hidden">{conversation.title || 'Chat'}</h1>
                <MessageList
                  conversation={conversation}
                  busy={chat.busy}
                  modelLoading={runtime.status === 'loading-model'}
                  modelNames={modelNames}
                  onRegenerate={chat.regenerate}
                  onRunOnCpu={chat.runOnCpu}
                  onEdit={chat.editAndResend}
                  onView={setViewing}
                />
              </>
            )}
          </div>
        </main>

        <footer className="composer-dock">
          <Composer
            composer={composer}
            busy={chat.busy}
            stopping={runtime.status === 'generating' && runtime.stopping}
            maxImages={maxImages}
            tokensFor={tokensFor}
            detailLabel={`${detail} detail`}
            onSend={() => void send()}
            onStop={chat.stop}
            onView={setViewing}
            onOpenCamera={() => setCameraOpen(true)}
          />
        </footer>
      </div>

      {dragging && <DropOverlay maxImages={maxImages} />}
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
      {cameraOpen && (
        <CameraDialog onCapture={(file) => void composer.addFiles([file])} onError={composer.reportProblem} onClose={() => setCameraOpen(false)} />
      )}
      {settingsOpen && (
        <SettingsDialog
          settings={settings}
          onChange={chat.updateSettings}
          onClose={() => setSettingsOpen(false)}
          capabilities={catalog.capabilities}
          device={device}
          geometry={geometry}
          example={example}
          model={selectedModel}
        >
          <ModelsStoragePanel loadedModelId={loaded?.modelId ?? null} />
          <section className="setting" aria-labelledby="benchmark-title">
            <h2 id="benchmark-title">Performance</h2>
            <p className="setting-help">
              Measure loading, image encoding, time to the first word and words per second on this device, and copy the figures to
              share them.
            </p>
            <a href="./bench.html">Benchmark this device</a>
          </section>
        </SettingsDialog>
      )}
    </div>
  );
}

/** Bytes of the selected model not yet stored on this device, for the backend chosen (for the offline notice). */
function useMissingBytes(model: ModelEntry | null | undefined, backend: DeviceRequest, capabilities: Capabilities | null): number {
  const [missing, setMissing] = useState(0);
  useEffect(() => {
    if (!model || !capabilities) return;
    let current = true;
    downloadStatus(model, { device: backend }, capabilities)
      .then((status) => current && setMissing(status.missingBytes))
      .catch(() => current && setMissing(0));
    return () => {
      current = false;
    };
  }, [model, backend, capabilities]);
  return missing;
}
