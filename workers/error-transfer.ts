/**
 * Thrown errors cross the worker boundary whole. Comlink's own "throw" handler keeps only the name,
 * message and stack of an Error and rebuilds a plain Error, so the facts of a named error
 * (workers/errors.ts) would be lost; this handler sends the error as data and rebuilds the same
 * class on the other side. Both threads install it: the worker before `expose`, the bridge before
 * `wrap`.
 */
import * as Comlink from 'comlink';
import { describeError, errorFromInfo } from './errors.ts';
import type { ErrorInfo } from './protocol.ts';

type Thrown = { value: unknown };
type SerializedThrown = { isError: true; value: ErrorInfo; stack?: string } | { isError: false; value: unknown };

const comlinkThrowHandler = Comlink.transferHandlers.get('throw')!;

const errorTransferHandler: Comlink.TransferHandler<Thrown, SerializedThrown> = {
  // Comlink marks a thrown value with a private symbol; its own handler knows how to spot it.
  canHandle: (value): value is Thrown => comlinkThrowHandler.canHandle(value),
  serialize: ({ value }) => [
    value instanceof Error ? { isError: true, value: describeError(value), ...(value.stack ? { stack: value.stack } : {}) } : { isError: false, value },
    [],
  ],
  deserialize: (serialized) => {
    if (!serialized.isError) throw serialized.value;
    const error = errorFromInfo(serialized.value);
    if (serialized.stack) error.stack = serialized.stack;
    throw error;
  },
};

/** Makes this thread's Comlink send and receive thrown errors with their names and facts. */
export function installErrorTransfer(): void {
  Comlink.transferHandlers.set('throw', errorTransferHandler as Comlink.TransferHandler<unknown, unknown>);
}
