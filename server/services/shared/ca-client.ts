/**
 * A demo service's calls to the CA (src/ca-api.ts is the contract). Every call carries the service's
 * bearer token; a refusal becomes an `HttpError` with the CA's own code, so pages can say why.
 */
import {
  CA_API_PREFIX,
  type CaErrorBody,
  type CheckResponse,
  type Holder,
  type HolderProof,
  type InvalidateResponse,
  type IssueResponse,
  type ParticipationResponse,
  type QualifyRequest,
  type QualifyResponse,
  type ServiceListResponse,
} from '../../../src/ca-api.js';
import { HttpError } from './app.js';

/** How a service reaches the CA and who it is there. */
export interface CaAccess {
  readonly url: string;
  readonly serviceId: string;
  readonly apiToken: string;
}

/** The CA as one service sees it. */
export class CaClient {
  constructor(readonly access: CaAccess) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.access.url.replace(/\/$/, '')}${CA_API_PREFIX}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.access.apiToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new HttpError(502, 'CA_UNREACHABLE', `The certificate authority could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    const data = (await response.json().catch(() => null)) as (T & Partial<CaErrorBody>) | null;
    if (!response.ok || data === null) {
      const error = data?.error;
      throw new HttpError(response.status >= 500 ? 502 : response.status, error?.code ?? 'CA_ERROR', `The certificate authority refused: ${error?.message ?? `HTTP ${response.status}`}`);
    }
    return data;
  }

  /** Issues a certificate for a CSR made on the holder's card. */
  issue(csrBase64: string, holder: Holder): Promise<IssueResponse> {
    return this.call('POST', '/certificates', { csr: csrBase64, holder });
  }

  /**
   * Adds this service to the certificate's list. `holderProof` is the login token the holder's card signed
   * here and its nonce: the CA refuses qualify without it (HOLDER_PROOF_REQUIRED / HOLDER_PROOF_INVALID).
   */
  qualify(serial: string, holderProof: HolderProof): Promise<QualifyResponse> {
    const body: QualifyRequest = { holderProof };
    return this.call('PUT', `/certificates/${encodeURIComponent(serial)}/services/${encodeURIComponent(this.access.serviceId)}`, body);
  }

  /** Removes this service from the certificate's list. */
  prohibit(serial: string): Promise<QualifyResponse> {
    return this.call('DELETE', `/certificates/${encodeURIComponent(serial)}/services/${encodeURIComponent(this.access.serviceId)}`);
  }

  /** Invalidates (revokes) the certificate on its holder's request. */
  invalidate(serial: string): Promise<InvalidateResponse> {
    return this.call('POST', `/certificates/${encodeURIComponent(serial)}/invalidate`, { reason: 'cessationOfOperation' });
  }

  /** Whether the certificate may be used here now. */
  check(serial: string): Promise<CheckResponse> {
    return this.call('GET', `/check?serial=${encodeURIComponent(serial)}&service=${encodeURIComponent(this.access.serviceId)}`);
  }

  /** The services the certificate may be used at (portals only). */
  services(serial: string): Promise<ServiceListResponse> {
    return this.call('GET', `/certificates/${encodeURIComponent(serial)}/services`);
  }

  /** Every registered service, each with whether the certificate is qualified there (portals only). */
  participation(serial: string): Promise<ParticipationResponse> {
    return this.call('GET', `/certificates/${encodeURIComponent(serial)}/participation`);
  }
}
