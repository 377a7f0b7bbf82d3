/** "You are offline. Connect to download SmolVLM 256M (263 MB)": shown instead of an endless spinner. */
import { formatBytes } from '../lib/format.ts';
import { useOnline } from './useOnline.ts';

export interface OfflineNoticeProps {
  /** Display name of the model the app wants to load, e.g. "SmolVLM 256M". */
  modelName: string;
  /** Bytes of that model not stored yet (`downloadStatus(...).missingBytes`); 0 hides the notice. */
  missingBytes: number;
  /**
   * A download of it just reached no server: offline, even where `navigator.onLine` says true
   * (Chromium 150 under DevTools' offline emulation, a captive portal, a LAN with no way out).
   */
  unreachable?: boolean;
}

/** Renders nothing while online (and nothing failed to connect) or when the model is fully stored. */
export function OfflineNotice({ modelName, missingBytes, unreachable = false }: OfflineNoticeProps) {
  const online = useOnline();
  if ((online && !unreachable) || missingBytes <= 0) return null;
  return (
    <p className="pwa-offline-notice" role="status">
      You are offline. Connect to download {modelName} ({formatBytes(missingBytes)}).
    </p>
  );
}
