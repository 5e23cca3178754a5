/**
 * Stable error codes of the extension itself (prompts, consent, providers, the reader queue, card
 * sources, the page library). Card errors live in `card-errors.ts`, protocol errors in
 * `protocol/errors.ts`, messaging errors in `errors.ts`. Codes are wire protocol: never rename, only add.
 */
import { KyotsuError } from './errors.js';

/** Every code the extension's own machinery can fail with. */
export const ExtensionErrorCode = {
  /** The user closed or cancelled the PIN window. */
  PIN_CANCELLED: 'PIN_CANCELLED',
  /** The user refused (or closed) a consent window. */
  CONSENT_DENIED: 'CONSENT_DENIED',
  /** The page's origin does not publish a valid `/.well-known/kyotsu` document. */
  NOT_A_PROVIDER: 'NOT_A_PROVIDER',
  /** A PIN or consent window asked about a request the background does not know (finished, or the background restarted). */
  PROMPT_NOT_FOUND: 'PROMPT_NOT_FOUND',
  /** The operation was abandoned: its tab closed, the page cancelled, or the user cancelled a notice. */
  OPERATION_ABORTED: 'OPERATION_ABORTED',
  /** The background stopped (service worker restarted) while the operation was pending; start again. */
  BACKGROUND_RESTARTED: 'BACKGROUND_RESTARTED',
  /** The native host is not installed or not reachable. */
  NATIVE_HOST_UNAVAILABLE: 'NATIVE_HOST_UNAVAILABLE',
  /** The native host's PC/SC service sees no card reader at all (plug one in). */
  NO_READER: 'NO_READER',
  /** No WebUSB reader is paired, or the paired reader is not connected. */
  READER_NOT_PAIRED: 'READER_NOT_PAIRED',
  /** The card holds no certificate in the authentication slot (9A). */
  NO_CERTIFICATE: 'NO_CERTIFICATE',
  /** `enrollWriteCertificate` named an enrollment that does not exist for this origin (or it expired). */
  ENROLLMENT_UNKNOWN: 'ENROLLMENT_UNKNOWN',
  /** The issued certificate's public key is not the key the card generated for this enrollment. */
  CERTIFICATE_KEY_MISMATCH: 'CERTIFICATE_KEY_MISMATCH',
  /** Page side: the kyotsu extension is not present on this page (or this origin is not participating). */
  EXTENSION_UNAVAILABLE: 'EXTENSION_UNAVAILABLE',
  /** Page side: the extension did not answer in time. */
  EXTENSION_TIMEOUT: 'EXTENSION_TIMEOUT',
} as const;
export type ExtensionErrorCode = (typeof ExtensionErrorCode)[keyof typeof ExtensionErrorCode];

/** An error of the extension's own machinery. */
export class ExtensionError extends KyotsuError {
  declare readonly code: ExtensionErrorCode;

  constructor(code: ExtensionErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'ExtensionError';
  }
}
