/**
 * Registering services and authenticating their API tokens.
 *
 * A token is `kyotsu_<tokenId>_<secret>`: `tokenId` (16 hex) is stored and looked up; `secret` is 32 random
 * bytes (base64url) of which only the SHA-256 is stored, compared in constant time. The webhook secret is
 * `whsec_` + 32 random bytes (base64url); it must be kept to sign deliveries.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CaServerError, CaServerErrorCode } from './errors.js';
import type { Actor, CaStore, ServiceRecord } from './store/types.js';

/** What a new service tells the CA about itself. */
export interface ServiceRegistration {
  /** Lower-case letters, digits and inner hyphens, 1–63 characters (e.g. `bank-a`). */
  readonly id: string;
  readonly displayName: string;
  /** Web origins, e.g. `https://bank-a.example` (http only on loopback hosts, for the demo). */
  readonly origins: readonly string[];
  /** Portals may list a certificate's services; default false. */
  readonly portal?: boolean;
  /** Where invalidation webhooks go (http or https); default none. */
  readonly webhookUrl?: string | null;
}

/** Returned once at registration; the CA keeps neither the token nor a way to show it again. */
export interface ServiceCredentials {
  /** Bearer token for the API. */
  readonly apiToken: string;
  /** HMAC key of the service's webhooks (verify with src/webhook-signature.ts). */
  readonly webhookSecret: string;
}

const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOKEN_PATTERN = /^kyotsu_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function invalid(message: string): CaServerError {
  return new CaServerError(CaServerErrorCode.CA_SERVICE_INVALID, message);
}

function checkOrigin(origin: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch (error) {
    throw invalid(`origin '${origin}' is not a URL: ${(error as Error).message}`);
  }
  if (url.origin !== origin) throw invalid(`'${origin}' is not an origin (scheme://host[:port], nothing after)`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw invalid(`origin '${origin}' must be https (http only on loopback)`);
  }
}

/** Checks a registration; throws `CA_SERVICE_INVALID` naming the problem. */
export function validateRegistration(registration: ServiceRegistration): void {
  if (!ID_PATTERN.test(registration.id)) throw invalid(`service id '${registration.id}' must match ${ID_PATTERN.source}`);
  if (registration.displayName.trim().length === 0 || registration.displayName.length > 128) throw invalid('display name must be 1–128 characters');
  if (registration.origins.length === 0) throw invalid('a service needs at least one origin');
  registration.origins.forEach(checkOrigin);
  if (registration.webhookUrl) {
    let url: URL;
    try {
      url = new URL(registration.webhookUrl);
    } catch (error) {
      throw invalid(`webhook URL is not a URL: ${(error as Error).message}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('webhook URL must be http or https');
  }
}

function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Registers a service and returns its credentials (shown once). */
export async function registerService(store: CaStore, registration: ServiceRegistration, actor: Actor, now = new Date()): Promise<ServiceCredentials> {
  validateRegistration(registration);
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const webhookSecret = `whsec_${randomBytes(32).toString('base64url')}`;
  const record: ServiceRecord = {
    id: registration.id,
    displayName: registration.displayName,
    origins: [...registration.origins],
    portal: registration.portal ?? false,
    webhookUrl: registration.webhookUrl ?? null,
    webhookSecret,
    tokenId,
    tokenHash: sha256(secret),
    createdAt: now,
  };
  await store.insertService(record, actor);
  return { apiToken: `kyotsu_${tokenId}_${secret}`, webhookSecret };
}

/**
 * The service a bearer token belongs to, or `null`. The lookup is by the public token id; the secret's
 * hash is compared with `timingSafeEqual`, so timing reveals nothing about the stored hash.
 */
export async function authenticateToken(store: CaStore, token: string): Promise<ServiceRecord | null> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const service = await store.findServiceByTokenId(match[1]!);
  if (!service) return null;
  const presented = sha256(match[2]!);
  return service.tokenHash.length === presented.length && timingSafeEqual(service.tokenHash, presented) ? service : null;
}
