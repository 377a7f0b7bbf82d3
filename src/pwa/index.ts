/** Offline app pieces for the chat page: service worker updates, model storage, offline notice. */
export { appPwa } from './app-pwa.ts';
export { registerServiceWorker, startPwa, type ApplyOutcome, type PwaController, type RegisterOptions, type UpdateState } from './service-worker.ts';
export {
  deleteStoredModel,
  downloadStatus,
  isStoragePersistent,
  listStoredModels,
  modelStorageStatus,
  requestPersistentStorage,
  storageEstimate,
  type DownloadStatus,
  type ModelStorageStatus,
  type StoredModel,
} from './storage.ts';
export { useOnline } from './useOnline.ts';
export { ModelsStoragePanel, type ModelsStoragePanelProps } from './ModelsStoragePanel.tsx';
export { OfflineNotice, type OfflineNoticeProps } from './OfflineNotice.tsx';
export { UpdatePrompt, type UpdatePromptProps } from './UpdatePrompt.tsx';
