/** The settings dialog as the chat page opens it: the settings, then the models stored on this device and the benchmark link. */
import { ModelsStoragePanel } from '../pwa/index.ts';
import { SettingsDialog, type DetailExample } from '../settings/index.ts';
import type { ImageCost } from './image-cost.ts';
import type { ChatController } from './useChatController.ts';

export function AppSettings({
  chat,
  cost,
  example,
  loadedModelId,
  onClose,
}: {
  chat: ChatController;
  cost: ImageCost;
  example: DetailExample;
  loadedModelId: string | null;
  onClose: () => void;
}) {
  return (
    <SettingsDialog
      settings={chat.settings}
      onChange={chat.updateSettings}
      onClose={onClose}
      capabilities={chat.catalog.capabilities}
      device={cost.device}
      geometry={cost.geometry}
      example={example}
      model={chat.selectedModel}
    >
      <ModelsStoragePanel loadedModelId={loadedModelId} />
      <section className="setting" aria-labelledby="benchmark-title">
        <h2 id="benchmark-title">Performance</h2>
        <p className="setting-help">
          Measure loading, image encoding, time to the first word and words per second on this device, and copy the figures to share them.
        </p>
        <a href="./bench.html">Benchmark this device</a>
      </section>
    </SettingsDialog>
  );
}
