import type { ErrorInfo } from '../chat/conversation.ts';

/** Name and message of anything thrown: what crosses the worker boundary and what the UI shows. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
