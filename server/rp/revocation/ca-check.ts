/**
 * The CA's per-login check: is this certificate valid AND may it be used at this service? (The CA keeps
 * the list of services per certificate; see server/ca.) Fails closed: anything but a clear OK rejects.
 */
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { readLimited } from './options.js';

/** Input of `checkAtCa`. */
export interface CaCheckInput {
  readonly caUrl: string;
  readonly serviceId: string;
  readonly apiToken: string;
  /** Canonical hex serial (lower case, no leading zero octets). */
  readonly serial: string;
  readonly timeoutMs?: number;
}

function failed(message: string, details?: Record<string, string | number>): AuthError {
  return new AuthError(AuthErrorCode.REVOCATION_CHECK_FAILED, `CA check: ${message}`, details);
}

/**
 * `GET {caUrl}/api/v1/check?serial=<hex>&service=<id>` with `Authorization: Bearer <apiToken>`, expecting
 * `{ "result": "OK" | "NG", "reason"?: string }`. Resolves on OK. NG for an invalidated (revoked)
 * certificate → `CERTIFICATE_REVOKED`; any other NG (not qualified for this service, prohibited, unknown)
 * → `CERTIFICATE_NOT_PERMITTED`; no usable answer → `REVOCATION_CHECK_FAILED`.
 */
export async function checkAtCa(input: CaCheckInput): Promise<void> {
  const url = new URL('api/v1/check', input.caUrl.endsWith('/') ? input.caUrl : `${input.caUrl}/`);
  url.searchParams.set('serial', input.serial);
  url.searchParams.set('service', input.serviceId);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${input.apiToken}`, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
    });
  } catch (error) {
    throw failed(`CA unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw failed(`HTTP ${response.status}`, { status: response.status });
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readLimited(response)));
  } catch (error) {
    throw failed(`unreadable answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { result, reason } = (typeof body === 'object' && body !== null ? body : {}) as { result?: unknown; reason?: unknown };
  if (result === 'OK') return;
  if (result !== 'NG') throw failed('answer is neither OK nor NG');
  const why = typeof reason === 'string' ? reason.slice(0, 100) : '';
  if (/invalidat|revok/i.test(why)) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_REVOKED, 'the CA has invalidated this certificate', { reason: why, serial: input.serial });
  }
  throw new AuthError(AuthErrorCode.CERTIFICATE_NOT_PERMITTED, 'the CA does not allow this certificate at this service', { reason: why, serial: input.serial });
}
