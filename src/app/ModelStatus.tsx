/**
 * Above the conversation, what stands between the person and an answer: the selected model's
 * files not yet on this device while offline, and loading it (progress, consent to download, retry),
 * with the reason when models cannot be stored here.
 */
import { useEffect, useState } from 'react';
import { LoadStatus } from '../models/index.ts';
import { downloadStatus, modelStorageStatus, OfflineNotice } from '../pwa/index.ts';
import type { Capabilities, DeviceRequest, ModelEntry } from '../../workers/protocol.ts';
import type { ChatController } from './useChatController.ts';

/** Bytes of the selected model not yet stored on this device, for the backend chosen (0 until known). */
function useMissingBytes(model: ModelEntry | null | undefined, backend: DeviceRequest, capabilities: Capabilities | null): number {
  // Kept with the model and backend they were counted for: another model's count is never shown.
  const [missing, setMissing] = useState<{ modelId: string; backend: DeviceRequest; bytes: number } | null>(null);
  useEffect(() => {
    if (!model || !capabilities) return;
    let current = true;
    const settle = (bytes: number) => current && setMissing({ modelId: model.id, backend, bytes });
    downloadStatus(model, { device: backend }, capabilities).then((status) => settle(status.missingBytes), () => settle(0));
    return () => {
      current = false;
    };
  }, [model, backend, capabilities]);
  return missing && missing.modelId === model?.id && missing.backend === backend ? missing.bytes : 0;
}

/** Why models cannot be kept on this device (a private window, storage refused), or null when they can. */
function useNotStoredReason(): string | null {
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void modelStorageStatus().then((status) => current && setReason(status.available ? null : status.reason));
    return () => {
      current = false;
    };
  }, []);
  return reason;
}

export function ModelStatus({ chat }: { chat: ChatController }) {
  const { runtime, selectedModel, settings, catalog } = chat;
  const missingBytes = useMissingBytes(selectedModel, settings.backend, catalog.capabilities);
  const notStoredReason = useNotStoredReason();
  // The built-in model ships with the app (the service worker keeps it): offline it still loads.
  const mayNeedDownload = selectedModel && !selectedModel.builtIn && runtime.status !== 'ready' && runtime.status !== 'generating';
  const unreachable = runtime.status === 'error' && runtime.error.name === 'ModelDownloadError' && runtime.error.offline;
  return (
    <>
      {mayNeedDownload && <OfflineNotice modelName={selectedModel.name} missingBytes={missingBytes} unreachable={unreachable} />}
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
        notStoredReason={notStoredReason}
      />
    </>
  );
}
