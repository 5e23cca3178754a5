/**
 * Stable codes of the native-messaging PC/SC host and its browser-side client. Codes are part of the wire
 * protocol: never rename one, only add. Card and reader failures keep their card-stack codes
 * (`src/card-errors.ts`: NO_CARD, CARD_REMOVED, READER_UNPLUGGED, …); field errors keep `BAD_MESSAGE`
 * (`src/errors.ts`). These are the failures only a native host has.
 */
import { KyotsuError } from './errors.js';

/** Codes of the native host and its client. */
export const NativeHostErrorCode = {
  /** A browser → host message is longer than `MAX_REQUEST_BYTES`; it was skipped unread. */
  MESSAGE_TOO_LARGE: 'NATIVE_MESSAGE_TOO_LARGE',
  /** A browser → host message is not UTF-8 JSON. */
  MESSAGE_MALFORMED: 'NATIVE_MESSAGE_MALFORMED',
  /** The request `type` is not one the host knows (an older host, or a bug); `details.type` names it. */
  UNKNOWN_REQUEST: 'NATIVE_UNKNOWN_REQUEST',
  /** The host and the extension speak incompatible protocol versions; update the older one. */
  PROTOCOL_MISMATCH: 'NATIVE_PROTOCOL_MISMATCH',
  /** No open connection has this handle (never opened, disconnected, or lost when pcscd restarted). */
  HANDLE_UNKNOWN: 'NATIVE_HANDLE_UNKNOWN',
  /** The port already has the most open handles a host allows (`details.max`); disconnect some first. */
  TOO_MANY_HANDLES: 'NATIVE_TOO_MANY_HANDLES',
  /** `begin` on a handle that already holds its transaction. */
  TRANSACTION_ACTIVE: 'NATIVE_TRANSACTION_ACTIVE',
  /** `end` on a handle that holds no transaction. */
  NO_TRANSACTION: 'NATIVE_NO_TRANSACTION',
  /** Another program kept the card (its own PC/SC transaction) for longer than the request waited. */
  READER_BUSY: 'READER_BUSY',
  /** The PC/SC service is not running (pcscd on Linux, SCardSvr on Windows); `details.pcsc` has its words. */
  PCSC_UNAVAILABLE: 'PCSC_UNAVAILABLE',
  /** Client side: the browser found no native-messaging manifest for the host (run `kyotsu host install`). */
  HOST_NOT_FOUND: 'NATIVE_HOST_NOT_FOUND',
  /** Client side: the manifest exists but does not allow this extension's ID. */
  HOST_FORBIDDEN: 'NATIVE_HOST_FORBIDDEN',
  /** Client side: the host process exited or the port closed; `details.reason` has the browser's words. */
  HOST_DISCONNECTED: 'NATIVE_HOST_DISCONNECTED',
  /** Client side: the host did not answer a request in time. */
  HOST_TIMEOUT: 'NATIVE_HOST_TIMEOUT',
  /** Client side: the host sent something that is not a valid host message. */
  HOST_REPLY_INVALID: 'NATIVE_HOST_REPLY_INVALID',
} as const;
export type NativeHostErrorCode = (typeof NativeHostErrorCode)[keyof typeof NativeHostErrorCode];

/** A native-host failure: a `KyotsuError` whose code is a `NativeHostErrorCode`. */
export class NativeHostError extends KyotsuError {
  declare readonly code: NativeHostErrorCode;

  constructor(code: NativeHostErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'NativeHostError';
  }
}
