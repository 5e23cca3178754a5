/**
 * Bearer authentication of the API (RFC 6750 §2.1). The caller is kept in a WeakMap keyed by the request,
 * not as a decoration, so no other part of the code base sees a `caller` property appear on requests.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CaErrorCode } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import type { Caller } from '../caller.js';
import { authenticateToken } from '../service-registry.js';
import type { CaStore } from '../store/types.js';

const callers = new WeakMap<FastifyRequest, Caller>();

/** An `onRequest` hook that authenticates the bearer token before the body is read. */
export function bearerAuth(store: CaStore): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([^\s]+)$/i.exec(header);
    const service = match ? await authenticateToken(store, match[1]!) : null;
    if (!service) {
      void reply.header('www-authenticate', 'Bearer realm="kyotsu-ca"');
      throw new KyotsuError(CaErrorCode.UNAUTHENTICATED, header === undefined ? 'missing bearer token' : 'unknown or malformed bearer token');
    }
    callers.set(request, { kind: 'service', service });
  };
}

/** The authenticated caller of a request that passed {@link bearerAuth}. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new KyotsuError(CaErrorCode.UNAUTHENTICATED, 'request is not authenticated');
  return caller;
}
