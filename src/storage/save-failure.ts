/**
 * Why a chat could not be saved, in plain words: what is not kept and what the person can do.
 * The causes are the browser's own error names (a full quota, storage refused in a private window
 * or by a setting, another tab holding an older version of the database open during an upgrade).
 */

/** An open of the database that waits for another tab to close its older connection (the `blocked` event). */
export class DatabaseBlockedError extends Error {
  override readonly name = 'DatabaseBlockedError';
  constructor() {
    super('Another tab holds an older version of the chat database open.');
  }
}

/** The browser refused to open the database at all (`reason` is its error name: InvalidStateError, SecurityError, UnknownError…). */
export class DatabaseRefusedError extends Error {
  override readonly name = 'DatabaseRefusedError';
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export type SaveFailureCause = 'full' | 'blocked' | 'newer-version' | 'refused' | 'failed';

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : '';
}

export function saveFailureCause(error: unknown): SaveFailureCause {
  switch (nameOf(error)) {
    case 'QuotaExceededError':
      return 'full';
    case 'DatabaseBlockedError':
      return 'blocked';
    // The database on disk is newer than this tab's code: another tab runs a newer version of the app.
    case 'VersionError':
      return 'newer-version';
    case 'DatabaseRefusedError':
      return 'refused';
    default:
      return 'failed';
  }
}

/** The warning shown while chats are not being saved. */
export function saveFailureWarning(error: unknown): string {
  const notSaved = 'This chat is not being saved on this device:';
  switch (saveFailureCause(error)) {
    case 'full':
      return `${notSaved} the browser's storage for this site is full. Delete downloaded models or old chats in Settings to make room; saving resumes by itself.`;
    case 'blocked':
      return `${notSaved} another tab of this app is open with an older version. Close it to save chats; saving resumes by itself.`;
    case 'newer-version':
      return `${notSaved} a newer version of this app, open in another tab, has updated the saved chats. Reload this tab to save chats again.`;
    case 'refused':
      return `${notSaved} the browser refuses storage here (a private window or a site setting), so chats will not be kept after this tab closes.`;
    case 'failed': {
      const message = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error) ? String((error as { message: unknown }).message) : String(error);
      return `${notSaved} ${message.replace(/\.?$/, '.')} Saving is tried again with the next change.`;
    }
  }
}
