/** The authenticated JSON API under /api/v1 (routes listed in server/ca/README.md). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CaErrorCode,
  type CheckResponse,
  type InvalidateResponse,
  type IssueResponse,
  type ParticipationResponse,
  type QualifyResponse,
  type ServiceListResponse,
} from '../../../src/ca-api.js';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { KyotsuError } from '../../../src/errors.js';
import { PkiError, PkiErrorCode } from '../../../src/pki/errors.js';
import { isRevocationReason } from '../../../src/pki/revocation-reason.js';
import { CertificateAuthority } from '../authority.js';
import { parseHolder } from '../holder.js';
import { parseHolderProof } from '../holder-proof.js';
import { bearerAuth, callerOf } from './auth.js';

function invalid(field: string, message: string): KyotsuError {
  return new KyotsuError(CaErrorCode.INVALID_REQUEST, message, { field });
}

function objectBody(request: FastifyRequest, allowEmpty: boolean): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) {
    if (allowEmpty) return {};
    // No body at all (and so no content type): the route needs JSON.
    throw new KyotsuError(CaErrorCode.UNSUPPORTED_MEDIA_TYPE, 'request body must be application/json');
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw invalid(extra, `unknown field '${extra}'`);
}

interface SerialParams {
  serial: string;
}
interface ServiceParams extends SerialParams {
  serviceId: string;
}

/** Registers the API routes on `app` (inside a plugin prefixed with /api/v1). */
export function registerApiRoutes(app: FastifyInstance, authority: CertificateAuthority): void {
  app.addHook('onRequest', bearerAuth(authority.store));
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  // issue
  app.post('/certificates', async (request, reply): Promise<IssueResponse> => {
    const body = objectBody(request, false);
    onlyFields(body, ['csr', 'holder']);
    if (typeof body.csr !== 'string' || body.csr.length === 0) throw invalid('csr', 'csr must be base64 DER PKCS#10');
    let csrDer: Uint8Array;
    try {
      csrDer = fromBase64(body.csr);
    } catch (error) {
      throw new PkiError(PkiErrorCode.CSR_MALFORMED, `csr is not base64: ${(error as Error).message}`);
    }
    const holder = parseHolder(body.holder);
    const issued = await authority.issue(callerOf(request), { csrDer, holder });
    void reply.code(201);
    return { serial: issued.serial, certificate: toBase64(issued.certificateDer), chain: [toBase64(authority.keys.caCertificateDer)] };
  });

  // qualify
  app.put<{ Params: ServiceParams }>('/certificates/:serial/services/:serviceId', async (request): Promise<QualifyResponse> => {
    const serial = CertificateAuthority.serial(request.params.serial);
    // No body at all is allowed here so that the authority answers HOLDER_PROOF_REQUIRED, which says what is missing.
    const body = objectBody(request, true);
    onlyFields(body, ['holderProof']);
    const proof = body.holderProof === undefined ? undefined : parseHolderProof(body.holderProof);
    const { changed } = await authority.qualify(callerOf(request), serial, request.params.serviceId, proof);
    return { serial, serviceId: request.params.serviceId, qualified: true, changed };
  });

  // prohibit
  app.delete<{ Params: ServiceParams }>('/certificates/:serial/services/:serviceId', async (request): Promise<QualifyResponse> => {
    const serial = CertificateAuthority.serial(request.params.serial);
    const { changed } = await authority.prohibit(callerOf(request), serial, request.params.serviceId);
    return { serial, serviceId: request.params.serviceId, qualified: false, changed };
  });

  // invalidate
  app.post<{ Params: SerialParams }>('/certificates/:serial/invalidate', async (request): Promise<InvalidateResponse> => {
    const serial = CertificateAuthority.serial(request.params.serial);
    const body = objectBody(request, true);
    onlyFields(body, ['reason']);
    if (body.reason !== undefined && !isRevocationReason(body.reason)) {
      throw invalid('reason', 'reason must be one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn');
    }
    const { changed, record } = await authority.invalidate(callerOf(request), serial, body.reason);
    return { serial, invalidatedAt: record.invalidatedAt!.toISOString(), reason: record.invalidationReason!, changed };
  });

  // check
  app.get<{ Querystring: Record<string, unknown> }>('/check', async (request): Promise<CheckResponse> => {
    const { serial, service } = request.query;
    if (typeof serial !== 'string') throw invalid('serial', 'query parameter serial is required (once)');
    if (typeof service !== 'string' || service.length === 0) throw invalid('service', 'query parameter service is required (once)');
    return authority.check(callerOf(request), CertificateAuthority.serial(serial), service);
  });

  // list (portals only)
  app.get<{ Params: SerialParams }>('/certificates/:serial/services', async (request): Promise<ServiceListResponse> => {
    const serial = CertificateAuthority.serial(request.params.serial);
    return { serial, services: await authority.listServices(callerOf(request), serial) };
  });

  // participation: every registered service with `qualified` for this certificate (portals only)
  app.get<{ Params: SerialParams }>('/certificates/:serial/participation', async (request): Promise<ParticipationResponse> => {
    const serial = CertificateAuthority.serial(request.params.serial);
    return { serial, services: await authority.listParticipation(callerOf(request), serial) };
  });
}
