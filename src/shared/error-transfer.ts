import { transferHandlers, type TransferHandler } from 'comlink';
import { ERROR_CODES, LocalrecError, toLocalrecError, type ErrorCode } from './errors';

/** What a thrown error looks like on the wire: plain data only. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

export function serializeError(value: unknown): SerializedError {
  const error = toLocalrecError(value);
  return { code: error.code, message: error.message, details: error.details, stack: error.stack };
}

export function deserializeError(data: SerializedError): LocalrecError {
  const code: ErrorCode = data.code in ERROR_CODES ? data.code : 'INTERNAL';
  const error = new LocalrecError(code, data.message, data.details);
  if (data.stack) error.stack = data.stack;
  return error;
}

/**
 * comlink's built-in 'throw' handler keeps only name/message/stack, so the page would lose the
 * `code`. Replacing it on both sides makes errors arrive as LocalrecError instances.
 */
export function registerErrorTransfer(): void {
  const builtIn = transferHandlers.get('throw');
  if (!builtIn || (builtIn as { localrec?: true }).localrec) return;
  // comlink marks thrown values with a private symbol; its own canHandle is the only way to see it.
  const handler: TransferHandler<{ value: unknown }, SerializedError> & { localrec: true } = {
    localrec: true,
    canHandle: (value: unknown): value is { value: unknown } => builtIn.canHandle(value),
    serialize: ({ value }) => [serializeError(value), []],
    deserialize: (data) => {
      throw deserializeError(data);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
