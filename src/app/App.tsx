/**
 * The chat page: chat list, top bar, the conversation, and the composer, with the dialogs they open.
 * Images can be dropped anywhere on the window or pasted; bad files are named in the composer's
 * alert region without touching the draft, the chat or the loaded model. The draft is kept per chat
 * in IndexedDB, so a reload does not lose it.
 */
import { useEffect, useRef, useState } from 'react';
import {
  CameraDialog,
  Composer,
  DropOverlay,
  ImageViewer,
  RegionPicker,
  TaskPicker,
  takesRegion,
  taskPlaceholder,
  taskRequest,
  useComposer,
  useWindowDrop,
  useWindowPaste,
  type TaskChoice,
  type TaskRequest,
} from '../composer/index.ts';
import { parseRegionText, regionText } from '../composer/region-input.ts';
import { latestImage } from '../chat/conversation.ts';
import { florence2Task } from '../../workers/models/florence2-tasks.ts';
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
import { LiveCamera } from '../live/index.ts';
import { generateOptionsFor } from '../settings/index.ts';
import { oneVideoMessage, splitVideos, useVideoDraft, videoBudget, VideoStrip } from '../video/index.ts';
import { FRAMES_FOR_IMAGE_MODELS, frameTimestampText } from '../../workers/models/video.ts';
import { useChatController } from './useChatController.ts';
import { useChatDrawer } from './useChatDrawer.ts';
import { usePrepareAhead } from './usePrepareAhead.ts';
import './app.css';

const drafts = new DraftStore();

export function App() {
  const chat = useChatController();
  const { runtime, selectedModel, settings, catalog, conversation } = chat;
  const maxImages = selectedModel ? MAX_IMAGES_PER_MESSAGE[selectedModel.family] : MAX_IMAGES_PER_MESSAGE.smolvlm;
  const composer = useComposer(maxImages, selectedModel?.name ?? 'this model', { key: chat.draftKey, storage: drafts });
  const loaded = loadedModel(runtime);
  // The loaded model's own video settings (read from its config); before it loads, the defaults.
  const videoSampling = loaded?.videoSampling ?? { ...FRAMES_FOR_IMAGE_MODELS, frameSize: selectedModel?.geometry.frameSize ?? FRAMES_FOR_IMAGE_MODELS.frameSize };
  const video = useVideoDraft(videoSampling, (refusal) => composer.reportProblem(refusal.message));
  // What the conversation so far takes: the last answer's prompt and answer (0 in a new chat).
  const lastStats = conversation.messages.flatMap((message) => (message.role === 'assistant' && message.stats ? [message.stats] : [])).at(-1);
  const budgetFor = (frames: number) =>
    videoBudget(
      frames,
      loaded?.imageTokensPerFrame ?? selectedModel?.geometry.tokensPerFrame ?? 64,
      loaded?.contextLength ?? selectedModel?.contextLength ?? 2048,
      lastStats ? lastStats.promptTokens + lastStats.newTokens : 0,
      composer.draft,
    );
  const videoFits = video.state.status === 'empty' || budgetFor(video.state.plan.timestamps.length).fits;
  /** Videos go to the video sampler, everything else to the image intake; one message carries either. */
  const addFiles = async (files: File[]) => {
    const { videos, others } = await splitVideos(files);
    const imagesWaiting = composer.current().attachments.length > 0;
    if (videos.length === 0) {
      if (video.state.status !== 'empty' || video.opening) composer.reportProblem(oneVideoMessage(others));
      else await composer.addFiles(others);
      return;
    }
    if (videos.length > 1 || others.length > 0 || imagesWaiting) {
      composer.reportProblem(oneVideoMessage(imagesWaiting ? videos : [...videos.slice(1), ...others]));
      if (imagesWaiting) return;
    }
    const refusal = await video.add(videos[0]!);
    if (refusal) composer.reportProblem(refusal.message);
  };
  const dragging = useWindowDrop((files) => void addFiles(files));
  useWindowPaste((files) => void addFiles(files));
  const drawer = useChatDrawer();
  const [viewing, setViewing] = useState<Attachment | null>(null);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [liveOpen, setLiveOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Task models (Florence-2) answer tasks, picked next to the composer.
  const [task, setTask] = useState<TaskChoice>('auto');
  const taskModel = selectedModel ? FAMILY_TRAITS[selectedModel.family].capabilities.tasks : false;
  // A task model looks at one image per task: the attached one, else the conversation's latest.
  const taskImage = composer.attachments[0] ?? latestImage(conversation.messages);
  // The service worker controller (registered in main.tsx): "Update available — Reload".
  const [pwa] = useState(appPwa);

  // The tab shows which chat is open.
  const title = conversation.title;
  useEffect(() => {
    document.title = title ? `${title} · VLM Chat` : 'VLM Chat — private image chat in your browser';
  }, [title]);

  const cost = imageCostFor(selectedModel, settings, loaded?.device, catalog.capabilities);
  // The attached images are read while the question is typed.
  usePrepareAhead({ enabled: settings.prepareAhead, runtime, messages: conversation.messages, attachments: composer.attachments, detail: settings.detail });

  // A Send pressed while images are checked or a video's frames are sampled waits for them (one
  // at a time: a second Enter meanwhile changes nothing, the waiting send takes the latest draft).
  const sendWaiting = useRef(false);
  const [waitingForFrames, setWaitingForFrames] = useState(false);
  const send = async () => {
    if (sendWaiting.current) return;
    sendWaiting.current = true;
    try {
      await sendWhenReady();
    } finally {
      sendWaiting.current = false;
      setWaitingForFrames(false);
    }
  };
  const sendWhenReady = async () => {
    // Images still being checked go with this message: wait for them, then read the latest.
    await composer.settled();
    const videoWaiting = video.state.status !== 'empty' || video.opening !== null;
    if (video.state.status !== 'ready' && videoWaiting) setWaitingForFrames(true);
    const videoState = await video.settled();
    const { draft, attachments } = composer.current();
    // Refused or removed while its frames were read: the alert says why; the question waits.
    if (videoWaiting && videoState.status === 'empty') return;
    if (videoState.status === 'ready') {
      // Too long for the context: the strip says so with the numbers; nothing is sent or lost.
      if (!budgetFor(videoState.plan.timestamps.length).fits) return;
      // Images added another way (an example) wait with the video: neither is sent, both are kept.
      if (attachments.length) {
        composer.reportProblem(`A message carries either images or one video. Remove the ${attachments.length === 1 ? 'image' : 'images'} or the video, then send.`);
        return;
      }
      const { facts, frames } = videoState;
      const images = frames.map((frame) => ({
        id: frame.id,
        blob: frame.blob,
        name: `${facts.name} at ${frameTimestampText(frame.time)}`,
        format: 'jpeg' as const,
        width: frame.width,
        height: frame.height,
      }));
      if (chat.send(draft, images, { video: { name: facts.name, durationSeconds: facts.durationSeconds, timestamps: frames.map((frame) => frame.time) } })) {
        composer.reset();
        video.remove();
      }
      return;
    }
    let request: TaskRequest = { text: draft };
    if (taskModel) {
      // Refused before sending (no image, a region outside the image...): the alert says why, the draft stays.
      try {
        request = taskRequest(task, draft, attachments[0] ?? latestImage(chat.conversation.messages));
      } catch (error) {
        composer.reportProblem((error as Error).message);
        return;
      }
    }
    if (chat.send(request.text, attachments, request.region ? { region: request.region } : {})) composer.reset();
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
          {taskModel && takesRegion(task) && (
            <RegionPicker
              image={taskImage}
              box={parseRegionText(composer.draft)}
              taskLabel={florence2Task(task)?.label ?? task}
              onDraw={(box) => composer.setDraft(regionText(box))}
              onClear={() => composer.setDraft('')}
            />
          )}
          <Composer
            composer={composer}
            busy={chat.busy}
            stopping={runtime.status === 'generating' && runtime.stopping}
            maxImages={maxImages}
            tokensFor={cost.tokensFor}
            detailLabel={`${cost.detail} detail`}
            onSend={() => void send()}
            waitingForMedia={waitingForFrames}
            onStop={chat.stop}
            onView={setViewing}
            onOpenCamera={() => setCameraOpen(true)}
            onPickFiles={(files) => void addFiles(files)}
            onOpenLive={() => setLiveOpen(true)}
            placeholder={taskModel ? taskPlaceholder(task) : undefined}
            readyWithoutText={taskModel && task !== 'auto' && florence2Task(task)?.input === 'none' && taskImage !== undefined}
            media={
              video.state.status === 'empty' && !video.opening
                ? null
                : {
                    node: <VideoStrip video={video} budget={budgetFor} modelName={loaded ? (selectedModel?.name ?? 'this model') : 'the model'} />,
                    state: video.state.status !== 'ready' ? 'busy' : videoFits ? 'ready' : 'blocked',
                  }
            }
          />
        </footer>
      </div>

      {dragging && <DropOverlay maxImages={maxImages} />}
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
      {liveOpen && <LiveCamera options={generateOptionsFor(settings)} ready={loaded !== null && !chat.busy} onClose={() => setLiveOpen(false)} />}
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
