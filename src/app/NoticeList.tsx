/** The controller's notices, each with a button to dismiss it (a standing one goes when its condition ends). */
import { CloseIcon } from '../lib/icons.tsx';
import type { Notice } from './useNotices.ts';

export function NoticeList({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: string) => void }) {
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status">
      {notices.map((notice) => (
        <p key={notice.id} className={`notice ${notice.tone}`}>
          <span>{notice.text}</span>
          {!notice.standing && (
            <button type="button" className="icon-button small" aria-label="Dismiss notice" onClick={() => onDismiss(notice.id)}>
              <CloseIcon />
            </button>
          )}
        </p>
      ))}
    </div>
  );
}
