/**
 * Errors that cross a boundary (background ↔ content ↔ options ↔ native host ↔ server) carry a stable
 * string `code`. Codes are part of the wire protocol: never rename one, only add.
 *
 * Each domain keeps its own code list beside its code (for example card errors in `src/card-errors.ts`);
 * this file holds the shape every error has on the wire and the codes of the messaging layer itself.
 */

/** The serialised form of any kyotsu error: what `JSON.stringify` of a reply carries. */
export interface ErrorObject {
  /** Stable machine-readable code, e.g. `PIN_INVALID`. */
  readonly code: string;
  /** Human-readable English message. Never contains a PIN, a key or a token. */
  readonly message: string;
  /** Structured details a UI may show (for example `{ retriesLeft: 2 }`). JSON values only. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Codes of the messaging layer itself. */
export const MessagingErrorCode = {
  /** The sender is not allowed to send this message (wrong context, origin or extension). */
  FORBIDDEN_SENDER: 'FORBIDDEN_SENDER',
  /** The message does not match the protocol (unknown type, wrong field types). */
  BAD_MESSAGE: 'BAD_MESSAGE',
  /** Something failed that has no more specific code; the message says what. */
  INTERNAL: 'INTERNAL',
} as const;
export type MessagingErrorCode = (typeof MessagingErrorCode)[keyof typeof MessagingErrorCode];

/** Base class of every typed kyotsu error. Subclasses fix the code and add typed details. */
export class KyotsuError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, string | number | boolean | null>> | undefined;

  constructor(code: string, message: string, details?: Record<string, string | number | boolean | null>) {
    super(message);
    this.name = 'KyotsuError';
    this.code = code;
    this.details = details;
  }

  /** The wire form: code, message and details, nothing else (no stack, no cause). */
  toJSON(): ErrorObject {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the wire form; unknown throwables become `INTERNAL`. */
export function toErrorObject(error: unknown): ErrorObject {
  if (error instanceof KyotsuError) return error.toJSON();
  if (isErrorObject(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: MessagingErrorCode.INTERNAL, message };
}

/** Rebuilds a throwable `KyotsuError` from its wire form, keeping code, message and details. */
export function fromErrorObject(object: ErrorObject): KyotsuError {
  return new KyotsuError(object.code, object.message, object.details ? { ...object.details } : undefined);
}

/** True when `value` has the wire shape of an error (string code and message). */
export function isErrorObject(value: unknown): value is ErrorObject {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === 'string' && typeof record.message === 'string';
}
