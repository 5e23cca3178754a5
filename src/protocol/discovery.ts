/**
 * The discovery document a participating service publishes at `/.well-known/kyotsu` (RFC 8615 well-known
 * URI). The extension fetches it to recognise a provider: where to get a challenge, where to post the
 * token, which CA issues the common certificate and which trust anchors the service accepts.
 *
 * Versioned by `version`; this file reads version 1. Unknown members are ignored so that version 1 can
 * grow optional members; anything incompatible is a new version.
 */
import { toHex } from '../bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { isOriginSerialization } from './origin.js';
import { digest } from './signed-data.js';
import { parseStrictJson, StrictJsonError } from './strict-json.js';

/** Path of the document on the service's origin. */
export const DISCOVERY_PATH = '/.well-known/kyotsu';

/** Largest document accepted, in UTF-8 bytes. */
export const MAX_DISCOVERY_BYTES = 16 * 1024;

/** Version 1 of the discovery document. */
export interface DiscoveryDocumentV1 {
  readonly version: 1;
  /** The service's ID at the CA (1–64 of `A–Z a–z 0–9 . _ -`). */
  readonly serviceId: string;
  /** Name shown to the user (1–100 characters). */
  readonly displayName: string;
  /** Absolute http(s) URL that issues a challenge nonce. */
  readonly challengeEndpoint: string;
  /** Absolute http(s) URL the token is posted to. */
  readonly loginEndpoint: string;
  /** Base URL of the CA that issues the common certificate. */
  readonly caUrl: string;
  /** Lower-case hex SHA-256 of the DER of each trust anchor the service accepts (1–16). */
  readonly trustAnchorFingerprints: readonly string[];
  /** True for a membership portal (may list a certificate's services); absent means false. */
  readonly portal?: boolean;
}

/** Any discovery document version this code reads. */
export type DiscoveryDocument = DiscoveryDocumentV1;

const SERVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

function malformed(message: string): AuthError {
  return new AuthError(AuthErrorCode.DISCOVERY_MALFORMED, `discovery document: ${message}`);
}

function httpUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length > 2048) throw malformed(`${name} is not a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    if (error instanceof TypeError) throw malformed(`${name} is not an absolute URL`);
    throw error;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw malformed(`${name} is not http(s)`);
  if (url.username || url.password) throw malformed(`${name} carries credentials`);
  return value;
}

/**
 * Reads a discovery document from its JSON text (or an already-parsed value). When `servedFrom` (the origin
 * the document was fetched from) is given, the challenge and login endpoints must be on that same origin:
 * the token is signed for the page's origin, so a document pointing elsewhere is refused.
 * Throws `DISCOVERY_MALFORMED` or `DISCOVERY_VERSION_UNSUPPORTED`.
 */
export function parseDiscoveryDocument(input: unknown, servedFrom?: string): DiscoveryDocument {
  let value = input;
  if (typeof input === 'string') {
    if (new TextEncoder().encode(input).length > MAX_DISCOVERY_BYTES) throw malformed(`larger than ${MAX_DISCOVERY_BYTES} bytes`);
    try {
      value = parseStrictJson(input, 8);
    } catch (error) {
      if (error instanceof StrictJsonError) throw malformed(`not valid JSON without duplicate names (${error.message})`);
      throw error;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('not a JSON object');
  const record = value as Record<string, unknown>;
  if (record.version !== 1) {
    if (typeof record.version === 'number' && Number.isInteger(record.version) && record.version > 1) {
      throw new AuthError(AuthErrorCode.DISCOVERY_VERSION_UNSUPPORTED, `discovery document version ${record.version} is not supported`);
    }
    throw malformed('version is not 1');
  }
  const { serviceId, displayName, trustAnchorFingerprints, portal } = record;
  if (typeof serviceId !== 'string' || !SERVICE_ID.test(serviceId)) throw malformed('serviceId is not 1–64 of A-Z a-z 0-9 . _ -');
  if (typeof displayName !== 'string' || displayName.trim().length === 0 || displayName.length > 100) throw malformed('displayName is not 1–100 characters');
  const challengeEndpoint = httpUrl(record.challengeEndpoint, 'challengeEndpoint');
  const loginEndpoint = httpUrl(record.loginEndpoint, 'loginEndpoint');
  const caUrl = httpUrl(record.caUrl, 'caUrl');
  if (!Array.isArray(trustAnchorFingerprints) || trustAnchorFingerprints.length === 0 || trustAnchorFingerprints.length > 16) {
    throw malformed('trustAnchorFingerprints is not a list of 1–16 fingerprints');
  }
  for (const fingerprint of trustAnchorFingerprints) {
    if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) throw malformed('a trust anchor fingerprint is not 64 lower-case hex digits');
  }
  if (portal !== undefined && typeof portal !== 'boolean') throw malformed('portal is not a boolean');
  if (servedFrom !== undefined) {
    if (!isOriginSerialization(servedFrom)) throw new AuthError(AuthErrorCode.ORIGIN_MALFORMED, 'servedFrom is not an origin');
    for (const [name, url] of [['challengeEndpoint', challengeEndpoint], ['loginEndpoint', loginEndpoint]] as const) {
      if (new URL(url).origin !== servedFrom) throw malformed(`${name} is not on ${servedFrom}`);
    }
  }
  return {
    version: 1,
    serviceId,
    displayName,
    challengeEndpoint,
    loginEndpoint,
    caUrl,
    trustAnchorFingerprints: [...(trustAnchorFingerprints as string[])],
    ...(portal === undefined ? {} : { portal }),
  };
}

/** Lower-case hex SHA-256 of a DER certificate: the form `trustAnchorFingerprints` lists. */
export async function certificateFingerprint(der: Uint8Array): Promise<string> {
  return toHex(await digest('SHA-256', der));
}
