/**
 * The chat page: chat list, top bar, the conversation, and the composer, with the dialogs they open.
 * Images can be dropped anywhere on the window or pasted; bad files are named in the composer's
 * alert region without touching the draft, the chat or the loaded model. The draft is kept per chat
 * in IndexedDB, so a reload does not lose it.
 */
import { useEffect, useState } from 'react';
import { CameraDialog, Composer, DropOverlay, ImageViewer, TaskPicker, taskMessage, useComposer, useWindowDrop, useWindowPaste, type TaskChoice } from '../composer/index.ts';
import type { Attachment } from '../files/index.ts';
import { FAMILY_TRAITS, MAX_IMAGES_PER_MESSAGE } from '../models/index.ts';
import { appPwa, UpdatePrompt } from '../pwa/index.ts';
import { DraftStore } from '../storage/index.ts';
import { AppSettings } from './AppSettings.tsx';
import { ChatSidebar } from './ChatSidebar.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { detailExampleFor, imageCostFor } from './image-cost.ts';
import { NoticeList } from './NoticeList.tsx';
import { loadedModel } from './runtime-state.ts';
import { TopBar } from './TopBar.tsx';
import { useChatController } from './useChatController.ts';
import { useChatDrawer } from './useChatDrawer.ts';
import './app.css';

const drafts = new DraftStore();

export function App() {
  const chat = useChatController();
  const { runtime, selectedModel, settings, catalog, conversation } = chat;
  const maxImages = selectedModel ? MAX_IMAGES_PER_MESSAGE[selectedModel.family] : MAX_IMAGES_PER_MESSAGE.smolvlm;
  const composer = useComposer(maxImages, selectedModel?.name ?? 'this model', { key: chat.draftKey, storage: drafts });
  const dragging = useWindowDrop((files) => void composer.addFiles(files));
  useWindowPaste((files) => void composer.addFiles(files));
  const drawer = useChatDrawer();
  const [viewing, setViewing] = useState<Attachment | null>(null);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Task models (Florence-2) answer tasks, picked next to the composer.
  const [task, setTask] = useState<TaskChoice>('auto');
  const taskModel = selectedModel ? FAMILY_TRAITS[selectedModel.family].capabilities.tasks : false;
  // The service worker controller (registered in main.tsx): "Update available — Reload".
  const [pwa] = useState(appPwa);

  // The tab shows which chat is open.
  const title = conversation.title;
  useEffect(() => {
    document.title = title ? `${title} · VLM Chat` : 'VLM Chat — private image chat in your browser';
  }, [title]);

  const loaded = loadedModel(runtime);
  const cost = imageCostFor(selectedModel, settings, loaded?.device, catalog.capabilities);

  const send = async () => {
    // Images still being checked go with this message: wait for them, then read the latest.
    await composer.settled();
    const { draft, attachments } = composer.current();
    let text = draft;
    if (taskModel) {
      try {
        text = taskMessage(task, draft, attachments[0]);
      } catch (error) {
        composer.reportProblem((error as Error).message);
        return;
      }
    }
    if (chat.send(text, attachments)) composer.reset();
  };

  return (
    <div className={`app ${drawer.isOpen ? 'sidebar-open' : ''}`} data-runtime={runtime.status}>
      <ChatSidebar
        drawer={drawer}
        summaries={chat.summaries}
        activeId={conversation.id}
        onNewChat={() => void chat.newChat()}
        onOpenChat={(id) => void chat.openChat(id)}
        onDeleteChat={(id) => void chat.deleteChat(id)}
      />

      {/* Behind the open drawer nothing can be focused or clicked, as behind a modal. */}
      <div className="main" inert={drawer.isOpen}>
        <TopBar chat={chat} loaded={loaded} drawerOpen={drawer.isOpen} onShowChats={drawer.open} onOpenSettings={() => setSettingsOpen(true)} />
        <UpdatePrompt pwa={pwa} answering={chat.busy} />
        <NoticeList notices={chat.notices} onDismiss={chat.dismissNotice} />
        <ConversationPane chat={chat} onSuggestion={composer.setDraft} onExample={(file) => composer.addFiles([file])} onView={setViewing} />
        <footer className="composer-dock">
          {taskModel && <TaskPicker value={task} onChange={setTask} />}
          <Composer
            composer={composer}
            busy={chat.busy}
            stopping={runtime.status === 'generating' && runtime.stopping}
            maxImages={maxImages}
            tokensFor={cost.tokensFor}
            detailLabel={`${cost.detail} detail`}
            onSend={() => void send()}
            onStop={chat.stop}
            onView={setViewing}
            onOpenCamera={() => setCameraOpen(true)}
          />
        </footer>
      </div>

      {dragging && <DropOverlay maxImages={maxImages} />}
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
      {cameraOpen && <CameraDialog onCapture={(file) => void composer.addFiles([file])} onError={composer.reportProblem} onClose={() => setCameraOpen(false)} />}
      {settingsOpen && (
        <AppSettings
          chat={chat}
          cost={cost}
          example={detailExampleFor(composer.attachments[0])}
          loadedModelId={loaded?.modelId ?? null}
          onClose={() => setSettingsOpen(false)}
        />
      )}
    </div>
  );
}
