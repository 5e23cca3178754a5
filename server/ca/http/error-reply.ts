/**
 * One mapping from anything thrown to the API's error reply: `{ error: { code, message, details? } }` with
 * the status that goes with the code. Unknown failures become a bare 500 `INTERNAL` (the detail is logged,
 * not sent).
 */
import { CaErrorCode, type CaErrorBody } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import { PkiErrorCode } from '../../../src/pki/errors.js';
import { CaServerErrorCode } from '../errors.js';

const STATUS: Readonly<Record<string, number>> = {
  [CaErrorCode.UNAUTHENTICATED]: 401,
  [CaErrorCode.FORBIDDEN]: 403,
  [CaErrorCode.NOT_FOUND]: 404,
  [CaErrorCode.UNKNOWN_SERVICE]: 404,
  [CaErrorCode.METHOD_NOT_ALLOWED]: 405,
  [CaErrorCode.HOLDER_PROOF_REQUIRED]: 400,
  [CaErrorCode.HOLDER_PROOF_INVALID]: 403,
  [CaErrorCode.HOLDER_PROOF_REUSED]: 403,
  [CaErrorCode.CERTIFICATE_INVALIDATED]: 409,
  [CaErrorCode.SERVICE_EXISTS]: 409,
  [CaErrorCode.SERVICE_ORIGIN_TAKEN]: 409,
  [CaErrorCode.INVALID_REQUEST]: 400,
  [CaErrorCode.INVALID_JSON]: 400,
  [CaErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [CaErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [CaErrorCode.STORE_UNAVAILABLE]: 503,
  [CaErrorCode.INTERNAL]: 500,
  [PkiErrorCode.CSR_MALFORMED]: 400,
  [PkiErrorCode.CSR_SIGNATURE_INVALID]: 400,
  [PkiErrorCode.CSR_SIGNATURE_UNSUPPORTED]: 400,
  [PkiErrorCode.CSR_KEY_UNSUPPORTED]: 400,
  [PkiErrorCode.CERTIFICATE_MALFORMED]: 400,
  [PkiErrorCode.SERIAL_MALFORMED]: 400,
};

/** Fastify's own errors (body parsing and limits), by their `code`. */
const FASTIFY: Readonly<Record<string, { status: number; code: CaErrorCode; message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: CaErrorCode.PAYLOAD_TOO_LARGE, message: 'request body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: CaErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'request body must be application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: CaErrorCode.INVALID_JSON, message: 'request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: CaErrorCode.INVALID_JSON, message: 'request body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: CaErrorCode.INVALID_REQUEST, message: 'content-length does not match the body' },
};

/** An error reply: status and body. */
export interface ErrorReply {
  readonly status: number;
  readonly body: CaErrorBody;
}

/** Maps a thrown value to the reply; `log` receives failures that are not the caller's fault. */
export function errorReply(error: unknown, log: (error: unknown) => void): ErrorReply {
  if (error instanceof KyotsuError) {
    if (error.code === CaServerErrorCode.CA_STORE_UNAVAILABLE) {
      log(error);
      return { status: 503, body: { error: { code: CaErrorCode.STORE_UNAVAILABLE, message: 'the CA store is unavailable; retry later' } } };
    }
    const status = STATUS[error.code];
    if (status !== undefined) return { status, body: { error: error.toJSON() } };
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && FASTIFY[fastifyCode]) {
    const known = FASTIFY[fastifyCode];
    return { status: known.status, body: { error: { code: known.code, message: known.message } } };
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return { status: 400, body: { error: { code: CaErrorCode.INVALID_JSON, message: 'request body is not valid JSON' } } };
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { error: { code: CaErrorCode.INVALID_REQUEST, message: (error as Error).message } } };
  }
  log(error);
  return { status: 500, body: { error: { code: CaErrorCode.INTERNAL, message: 'internal error' } } };
}
