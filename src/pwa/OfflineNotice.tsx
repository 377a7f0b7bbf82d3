/** "You are offline. Connect to download SmolVLM 256M (263 MB)": shown instead of an endless spinner. */
import { formatBytes } from '../lib/format.ts';
import { useOnline } from './useOnline.ts';

export interface OfflineNoticeProps {
  /** Display name of the model the app wants to load, e.g. "SmolVLM 256M". */
  modelName: string;
  /** Bytes of that model not stored yet (`downloadStatus(...).missingBytes`); 0 hides the notice. */
  missingBytes: number;
}

/** Renders nothing while online or when the model is fully stored. */
export function OfflineNotice({ modelName, missingBytes }: OfflineNoticeProps) {
  const online = useOnline();
  if (online || missingBytes <= 0) return null;
  return (
    <p className="pwa-offline-notice" role="status">
      You are offline. Connect to download {modelName} ({formatBytes(missingBytes)}).
    </p>
  );
}
