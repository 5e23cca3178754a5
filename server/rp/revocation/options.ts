/** How verifyAuthToken checks that the certificate is still good. Exactly one source per verification. */
import { readBodyWithin } from '../../../src/http-body.js';

/**
 * - `'none'` / `{ type: 'none' }`: no revocation check (for tests, or services that keep their own list of
 *   invalidated serials from the CA's webhook).
 * - `ca-check`: ask the CA whether this certificate may be used at this service right now — revoked,
 *   prohibited or not yet qualified all answer NG. `GET {caUrl}/api/v1/check?serial=&service=` with the
 *   service's bearer token.
 * - `ocsp`: RFC 6960 with a fresh nonce; `url` defaults to the certificate's AIA OCSP URL, `issuer` (DER) to
 *   the issuer found on the validated path.
 * - `crl`: RFC 5280 §6.3 over the given CRLs (DER), through validateCertificatePath.
 */
export type RevocationOption =
  | 'none'
  | { readonly type: 'none' }
  | {
      readonly type: 'ca-check';
      readonly caUrl: string;
      /** The service's ID at the CA; defaults to verifyAuthToken's `service` option. */
      readonly serviceId?: string;
      /** The service's API token at the CA (sent as `Authorization: Bearer`). Never logged. */
      readonly apiToken: string;
      /** Give up after this many ms (default 5000). */
      readonly timeoutMs?: number;
    }
  | {
      readonly type: 'ocsp';
      readonly url?: string;
      readonly issuer?: Uint8Array;
      /** Give up after this many ms (default 5000). */
      readonly timeoutMs?: number;
      /** Clock skew tolerated on thisUpdate/nextUpdate, in ms (default 5 minutes). */
      readonly maxSkewMs?: number;
    }
  | { readonly type: 'crl'; readonly crls: readonly Uint8Array[] };

/** Largest HTTP response body read from a CA or OCSP responder. */
export const MAX_REVOCATION_RESPONSE_BYTES = 64 * 1024;

/**
 * Reads at most `limit` bytes of a fetch response body; more is a `RangeError`. A declared Content-Length
 * over the limit is refused before reading; otherwise the body is read as a stream and cancelled as soon as
 * it passes the limit, so a responder that sends an endless body costs at most `limit` bytes plus one chunk.
 */
export async function readLimited(response: Response, limit = MAX_REVOCATION_RESPONSE_BYTES): Promise<Uint8Array> {
  const body = await readBodyWithin(response, limit);
  if (body === null) {
    const declared = Number(response.headers.get('content-length') ?? '0');
    throw new RangeError(declared > limit ? `response body of ${declared} bytes is larger than ${limit}` : `response body is larger than ${limit} bytes`);
  }
  return body;
}
