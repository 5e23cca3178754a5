/**
 * Codes of the CA's own operational failures (key store, configuration, store). API errors a service sees
 * are in src/ca-api.ts (`CaErrorCode`) and src/pki/errors.ts (`PkiErrorCode`).
 */
import { KyotsuError } from '../../src/errors.js';

/** Operational error codes of the CA process. */
export const CaServerErrorCode = {
  /** `KYOTSU_CA_PASSPHRASE` is not set (or too short for `init`). */
  CA_PASSPHRASE_MISSING: 'CA_PASSPHRASE_MISSING',
  /** The passphrase does not decrypt the key store. */
  CA_PASSPHRASE_WRONG: 'CA_PASSPHRASE_WRONG',
  /** No key store in the directory: run `kyotsu ca init`. */
  CA_KEYSTORE_MISSING: 'CA_KEYSTORE_MISSING',
  /** `init` would overwrite an existing key store. */
  CA_KEYSTORE_EXISTS: 'CA_KEYSTORE_EXISTS',
  /** A key store file is unreadable or inconsistent. */
  CA_KEYSTORE_CORRUPT: 'CA_KEYSTORE_CORRUPT',
  /** The database URL is not `sqlite:…`, a file path, or `postgres://…`. */
  CA_STORE_URL_INVALID: 'CA_STORE_URL_INVALID',
  /** The database schema is newer than this code understands. */
  CA_STORE_SCHEMA_UNSUPPORTED: 'CA_STORE_SCHEMA_UNSUPPORTED',
  /** The database cannot be reached. */
  CA_STORE_UNAVAILABLE: 'CA_STORE_UNAVAILABLE',
  /** A service registration is invalid (id, origins, webhook URL). */
  CA_SERVICE_INVALID: 'CA_SERVICE_INVALID',
} as const;
export type CaServerErrorCode = (typeof CaServerErrorCode)[keyof typeof CaServerErrorCode];

/** An operational failure of the CA process. */
export class CaServerError extends KyotsuError {
  constructor(code: CaServerErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'CaServerError';
  }
}
