/**
 * Origins are unique across services: a login the card signed for an origin is holder proof for qualify
 * (holder-proof.ts), so two services sharing one would each accept the other's logins. Both stores keep a
 * `service_origins` table (origin → service) and refuse a registration that claims a taken origin; these
 * helpers are the part they share.
 */
import { CaErrorCode } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import type { ServiceRecord } from './types.js';

/** `SERVICE_ORIGIN_TAKEN`: `service` may not have `origin`, which `owner` already has. */
export function originTaken(origin: string, owner: string, service: string): KyotsuError {
  return new KyotsuError(CaErrorCode.SERVICE_ORIGIN_TAKEN, `origin ${origin} is already registered to service '${owner}'; '${service}' may not have it too`, {
    origin,
    service: owner,
  });
}

/**
 * Each origin of `services` (in the order given, the first registered first) with the service claiming it
 * and the earlier service that had it already (`owner`), for filling `service_origins` from a store written
 * before the table existed. A service listing one origin twice claims it once.
 */
export function originClaims(services: readonly ServiceRecord[]): { origin: string; service: string; owner: string | undefined }[] {
  const owners = new Map<string, string>();
  const claims: { origin: string; service: string; owner: string | undefined }[] = [];
  for (const service of services) {
    for (const origin of new Set(service.origins)) {
      const owner = owners.get(origin);
      claims.push({ origin, service: service.id, owner });
      if (owner === undefined) owners.set(origin, service.id);
    }
  }
  return claims;
}
