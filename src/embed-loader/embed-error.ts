/**
 * Errors `<vlm-chat>` rejects with. `name` says what happened (the frame's errors keep the names
 * of workers/errors.ts); `EmbedUnavailableError` means the frame cannot be reached at all.
 */
export class EmbedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
