/**
 * Signatures on the CA's webhooks (isomorphic: WebCrypto only). The CA sends
 * `X-Kyotsu-Signature: t=<unix seconds>,v1=<hex>` where `v1` is HMAC-SHA256, keyed with the UTF-8 bytes of
 * the service's webhook secret, over `<t>.<raw body>` — the timestamp is signed with the body so an old
 * delivery cannot be replayed with a fresh `t`. Receivers verify with {@link verifyWebhookSignature}
 * against the raw body bytes, before parsing the JSON.
 */
import { bytesEqual, concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { KyotsuError } from './errors.js';

/** The header carrying the signature (HTTP header names are case-insensitive). */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Kyotsu-Signature';
/** The header carrying the delivery id (also in the body as `id`; stable across retries). */
export const WEBHOOK_DELIVERY_HEADER = 'X-Kyotsu-Delivery';
/** Default allowed distance between `t` and the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Codes raised by {@link verifyWebhookSignature}. */
export const WebhookErrorCode = {
  /** The header is missing or not `t=<digits>,v1=<64 hex>`. */
  WEBHOOK_SIGNATURE_MALFORMED: 'WEBHOOK_SIGNATURE_MALFORMED',
  /** No `v1` value matches the body under the secret. */
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  /** `t` is further than the tolerance from now (a replay or a badly wrong clock). */
  WEBHOOK_TIMESTAMP_OUT_OF_RANGE: 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
} as const;
export type WebhookErrorCode = (typeof WebhookErrorCode)[keyof typeof WebhookErrorCode];

async function hmac(secret: string, timestamp: number, body: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(secret).slice(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const message = concatBytes(utf8(`${timestamp}.`), body);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, message.slice()));
}

function bodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? utf8(body) : body;
}

/** The header value for `body` sent at `timestamp` (unix seconds). Used by the CA; exported for tests. */
export async function signWebhook(secret: string, body: string | Uint8Array, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${toHex(await hmac(secret, timestamp, bodyBytes(body)))}`;
}

/**
 * Verifies a webhook: throws a `KyotsuError` with a {@link WebhookErrorCode} unless the header is well
 * formed, its `t` lies within `toleranceSeconds` of `now`, and one of its `v1` values is the HMAC of the
 * raw body (compared in constant time). Several `v1` values are allowed (secret rotation).
 */
export async function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly body: string | Uint8Array;
  readonly header: string | null | undefined;
  readonly now?: Date;
  readonly toleranceSeconds?: number;
}): Promise<void> {
  const header = input.header ?? '';
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(fromHex(value));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new KyotsuError(WebhookErrorCode.WEBHOOK_SIGNATURE_MALFORMED, `${WEBHOOK_SIGNATURE_HEADER} must be t=<unix>,v1=<hex>`);
  }
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) {
    throw new KyotsuError(WebhookErrorCode.WEBHOOK_TIMESTAMP_OUT_OF_RANGE, `webhook timestamp is more than ${tolerance} s from now`);
  }
  const expected = await hmac(input.secret, timestamp, bodyBytes(input.body));
  let matched = false;
  for (const signature of signatures) matched = bytesEqual(signature, expected) || matched;
  if (!matched) throw new KyotsuError(WebhookErrorCode.WEBHOOK_SIGNATURE_INVALID, 'webhook signature does not match the body');
}
