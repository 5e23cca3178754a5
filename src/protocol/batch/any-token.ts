/**
 * Reading a token of either login format, for relying parties that accept single and batch logins:
 * the shared envelope checks (size, strict JSON, shape) run once, then `format` picks the parser.
 */
import { isWebEidFormat, type ParsedAuthToken, parseAuthTokenEnvelope, readTokenEnvelope } from '../auth-token.js';
import { AuthError, AuthErrorCode } from '../errors.js';
import { type ParsedBatchAuthToken, parseBatchAuthTokenEnvelope } from './batch-token.js';
import { isBatchFormat } from './format.js';

/** A parsed token of either format, told apart by `kind`. */
export type ParsedAnyAuthToken =
  | { readonly kind: 'single'; readonly token: ParsedAuthToken }
  | { readonly kind: 'batch'; readonly token: ParsedBatchAuthToken };

/**
 * Reads a `web-eid:1.x` or `kyotsu-batch:1.x` token. Throws what `parseAuthToken` / `parseBatchAuthToken`
 * throw; a format that is neither is `TOKEN_FORMAT_UNSUPPORTED`.
 */
export function parseAnyAuthToken(input: string | Uint8Array): ParsedAnyAuthToken {
  const envelope = readTokenEnvelope(input);
  if (isWebEidFormat(envelope.format)) return { kind: 'single', token: parseAuthTokenEnvelope(envelope) };
  if (isBatchFormat(envelope.format)) return { kind: 'batch', token: parseBatchAuthTokenEnvelope(envelope) };
  throw new AuthError(AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED, 'token format is neither web-eid:1.x nor kyotsu-batch:1.x', { format: envelope.format.slice(0, 40) });
}
