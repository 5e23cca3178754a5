/**
 * The certificate authority's operations — issue, qualify, prohibit, invalidate, check, list — with their
 * authorisation rules, plus the CRL and OCSP answers. HTTP and the CLI both call this; it never sees a
 * request object, only an authenticated {@link Caller}.
 */
import { CaErrorCode, CheckNgReason, type CheckResponse, type Holder, type HolderProof, type ServiceParticipation, type ServiceSummary } from '../../src/ca-api.js';
import { toHex } from '../../src/bytes.js';
import { KyotsuError } from '../../src/errors.js';
import { verifyCsr } from '../../src/pki/csr.js';
import { issueLeafCertificate } from '../../src/pki/profile.js';
import type { RevocationReason } from '../../src/pki/revocation-reason.js';
import { normalizeSerialHex, randomSerial } from '../../src/pki/serial.js';
import { actorOf, type Caller } from './caller.js';
import { CrlPublisher } from './crl-publisher.js';
import { holderProofDigest, parseHolderProof, verifyHolderProof } from './holder-proof.js';
import type { CaKeys } from './keys/key-store.js';
import { OcspResponder } from './ocsp-responder.js';
import type { CaStore, CertificateRecord } from './store/types.js';
import { invalidationBody } from './webhooks/event.js';

/** Settings of the authority. */
export interface AuthorityOptions {
  readonly store: CaStore;
  readonly keys: CaKeys;
  /**
   * Base URL relying parties reach the CA at (AIA, CRL DP), e.g. `https://ca.example`; a function when it
   * is known only once the server listens (an ephemeral port).
   */
  readonly publicUrl: string | (() => string);
  /** Lifetime of issued certificates; default 365 days. */
  readonly certificateValidityDays?: number;
  /** CRL nextUpdate − thisUpdate; default 24 h. A CRL is re-signed after half of it, or on invalidation. */
  readonly crlValiditySeconds?: number;
  /** OCSP nextUpdate − thisUpdate; default 1 h. */
  readonly ocspValiditySeconds?: number;
  readonly clock?: () => Date;
  /** Called after an invalidation committed (the server kicks the webhook dispatcher). */
  readonly onInvalidated?: (serial: string) => void;
}

/** An issued certificate as returned to the caller. */
export interface Issued {
  readonly serial: string;
  readonly certificateDer: Uint8Array;
  readonly record: CertificateRecord;
}

const DAY_MS = 86_400_000;
/** Issued certificates start a minute in the past so relying parties with a slightly slow clock accept them. */
const BACKDATE_MS = 60_000;

function forbidden(message: string): KyotsuError {
  return new KyotsuError(CaErrorCode.FORBIDDEN, message);
}

function notFound(serial: string): KyotsuError {
  return new KyotsuError(CaErrorCode.NOT_FOUND, `no certificate with serial ${serial}`);
}

/** The CA. */
export class CertificateAuthority {
  readonly store: CaStore;
  readonly keys: CaKeys;
  private readonly publicUrlOf: () => string;
  private readonly validityMs: number;
  private readonly clock: () => Date;
  private readonly onInvalidated: (serial: string) => void;
  private readonly crl: CrlPublisher;
  private readonly ocsp: OcspResponder;

  constructor(options: AuthorityOptions) {
    this.store = options.store;
    this.keys = options.keys;
    const publicUrl = options.publicUrl;
    this.publicUrlOf = typeof publicUrl === 'string' ? () => publicUrl : publicUrl;
    this.validityMs = (options.certificateValidityDays ?? 365) * DAY_MS;
    this.clock = options.clock ?? (() => new Date());
    this.onInvalidated = options.onInvalidated ?? (() => undefined);
    this.crl = new CrlPublisher({ store: this.store, keys: this.keys, validitySeconds: options.crlValiditySeconds ?? 86_400, clock: this.clock });
    this.ocsp = new OcspResponder({ store: this.store, keys: this.keys, validitySeconds: options.ocspValiditySeconds ?? 3600, clock: this.clock });
  }

  /** The base URL put into certificates, without a trailing slash. */
  get publicUrl(): string {
    return this.publicUrlOf().replace(/\/+$/, '');
  }

  /** Canonical serial from user input; malformed input is `INVALID_REQUEST` (field `serial`). */
  static serial(text: string): string {
    try {
      return normalizeSerialHex(text);
    } catch (error) {
      throw new KyotsuError(CaErrorCode.INVALID_REQUEST, (error as Error).message, { field: 'serial' });
    }
  }

  private async requireService(id: string): Promise<void> {
    if (!(await this.store.getService(id))) throw new KyotsuError(CaErrorCode.UNKNOWN_SERVICE, `no service '${id}' is registered`);
  }

  /** A service may act only for itself; the operator for any registered service. */
  private async authorizeFor(caller: Caller, serviceId: string): Promise<void> {
    if (caller.kind === 'service') {
      if (caller.service.id !== serviceId) throw forbidden(`service '${caller.service.id}' may act only for itself, not for '${serviceId}'`);
      return;
    }
    await this.requireService(serviceId);
  }

  /**
   * issue: verifies the request's proof of possession, signs a certificate with the kyotsu profile, records
   * it and lists the issuing service. `issuingService` is the caller for services (required for the CLI).
   */
  async issue(caller: Caller, input: { csrDer: Uint8Array; holder: Holder; issuingService?: string }): Promise<Issued> {
    const issuedBy = caller.kind === 'service' ? caller.service.id : input.issuingService;
    if (issuedBy === undefined) throw new KyotsuError(CaErrorCode.INVALID_REQUEST, 'the issuing service must be named', { field: 'service' });
    await this.authorizeFor(caller, issuedBy);
    const csr = await verifyCsr(input.csrDer); // RFC 2986 §3: proof of possession before anything is written
    const now = this.clock();
    const serialBytes = randomSerial();
    const notBefore = new Date(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + this.validityMs);
    const base = this.publicUrl;
    const certificateDer = await issueLeafCertificate({
      subjectPublicKeyInfo: csr.publicKeyInfo,
      holderName: input.holder.name,
      serial: serialBytes,
      notBefore,
      notAfter,
      issuerCertificate: this.keys.caCertificate,
      issuerKey: this.keys.caKey,
      urls: { ocsp: `${base}/ocsp`, crl: `${base}/crl`, caIssuers: `${base}/ca.crt` },
    });
    const record: CertificateRecord = {
      serial: toHex(serialBytes),
      holderName: input.holder.name,
      holderAddress: input.holder.address,
      holderEmail: input.holder.email,
      status: 'valid',
      issuedAt: now,
      notBefore,
      notAfter,
      invalidatedAt: null,
      invalidationReason: null,
      issuedBy,
      der: certificateDer,
    };
    await this.store.insertCertificate(record, actorOf(caller));
    return { serial: record.serial, certificateDer, record };
  }

  /**
   * qualify: adds the service to the certificate's list (idempotent), only with `proof` that the holder
   * logged in at that service with the card (holder-proof.ts): a serial is public, and a listed service may
   * invalidate the certificate. Missing proof is `HOLDER_PROOF_REQUIRED`, a proof that does not hold
   * `HOLDER_PROOF_INVALID`; both before anything is written. Asked again while listed, with any valid proof,
   * it answers `changed: false`. A proof adds the service only once: when it is not listed (e.g. after a
   * prohibition), a proof the CA accepted before is `HOLDER_PROOF_REUSED`, and nothing is written.
   */
  async qualify(caller: Caller, serial: string, serviceId: string, proof: HolderProof | undefined): Promise<{ changed: boolean; services: readonly string[] }> {
    await this.authorizeFor(caller, serviceId);
    const holderProof = parseHolderProof(proof);
    const [record, service] = await Promise.all([this.store.getCertificate(serial), this.store.getService(serviceId)]);
    if (!record) throw notFound(serial);
    if (!service) throw new KyotsuError(CaErrorCode.UNKNOWN_SERVICE, `no service '${serviceId}' is registered`);
    const accepted = await verifyHolderProof(holderProof, { certificateDer: record.der, origins: service.origins, caCertificateDer: this.keys.caCertificateDer, now: this.clock() });
    // The store re-reads the certificate under its lock: an invalidation in between still wins (409); the
    // proof is recorded in the same transaction, so of two calls with one proof only one adds the service.
    const outcome = await this.store.qualify(serial, serviceId, actorOf(caller), this.clock(), holderProofDigest(accepted, holderProof));
    if (outcome.kind === 'not-found') throw notFound(serial);
    if (outcome.kind === 'invalidated') throw new KyotsuError(CaErrorCode.CERTIFICATE_INVALIDATED, `certificate ${serial} is invalidated`);
    if (outcome.kind === 'proof-reused') {
      throw new KyotsuError(CaErrorCode.HOLDER_PROOF_REUSED, `this login was already used to list '${serviceId}' on certificate ${serial}; a new login by the holder at '${serviceId}' is needed`);
    }
    return { changed: outcome.kind === 'added', services: outcome.services };
  }

  /** prohibit: removes the service from the certificate's list (idempotent). */
  async prohibit(caller: Caller, serial: string, serviceId: string): Promise<{ changed: boolean; services: readonly string[] }> {
    await this.authorizeFor(caller, serviceId);
    const outcome = await this.store.prohibit(serial, serviceId, actorOf(caller), this.clock());
    if (outcome.kind === 'not-found') throw notFound(serial);
    return { changed: outcome.kind === 'removed', services: outcome.services };
  }

  /**
   * invalidate: revokes the certificate on the holder's request. A service may do so only for a certificate
   * it is listed on (it knows the holder); the operator always. Webhooks are queued in the same transaction.
   */
  async invalidate(caller: Caller, serial: string, reason: RevocationReason = 'unspecified'): Promise<{ changed: boolean; record: CertificateRecord }> {
    if (caller.kind === 'service') {
      const services = await this.store.listAvailableServices(serial);
      if (services === null) throw notFound(serial);
      if (!services.includes(caller.service.id)) {
        throw forbidden(`service '${caller.service.id}' is not listed on certificate ${serial} and may not invalidate it`);
      }
    }
    const outcome = await this.store.invalidate(serial, reason, actorOf(caller), this.clock(), invalidationBody);
    if (outcome.kind === 'not-found') throw notFound(serial);
    if (outcome.kind === 'invalidated') this.onInvalidated(serial);
    return { changed: outcome.kind === 'invalidated', record: outcome.record };
  }

  /** check: OK only if the certificate is valid now and the service is on its list. */
  async check(caller: Caller, serial: string, serviceId: string): Promise<CheckResponse> {
    await this.authorizeFor(caller, serviceId);
    const facts = await this.store.checkFacts(serial, serviceId);
    const now = this.clock().getTime();
    if (!facts.certificate) return { result: 'NG', reason: CheckNgReason.UNKNOWN_CERTIFICATE };
    if (facts.certificate.status === 'invalidated') return { result: 'NG', reason: CheckNgReason.INVALIDATED };
    if (now < facts.certificate.notBefore.getTime()) return { result: 'NG', reason: CheckNgReason.NOT_YET_VALID };
    if (now > facts.certificate.notAfter.getTime()) return { result: 'NG', reason: CheckNgReason.EXPIRED };
    if (!facts.listed) return { result: 'NG', reason: CheckNgReason.NOT_QUALIFIED };
    return { result: 'OK' };
  }

  private requirePortal(caller: Caller): void {
    if (caller.kind === 'service' && !caller.service.portal) throw forbidden('only portals may list a certificate’s services');
  }

  /** list: the services a certificate may be used at; portals (and the operator) only. */
  async listServices(caller: Caller, serial: string): Promise<ServiceSummary[]> {
    this.requirePortal(caller);
    const ids = await this.store.listAvailableServices(serial);
    if (ids === null) throw notFound(serial);
    const summaries: ServiceSummary[] = [];
    for (const id of ids) {
      const service = await this.store.getService(id);
      if (service) summaries.push({ id: service.id, displayName: service.displayName, origins: service.origins, portal: service.portal });
    }
    return summaries;
  }

  /**
   * participation: every registered service, sorted by id, with whether the certificate is qualified there
   * (on its list now). Portals (and the operator) only, like `listServices`: it tells which services a
   * holder uses. An unknown serial is `NOT_FOUND`.
   */
  async listParticipation(caller: Caller, serial: string): Promise<ServiceParticipation[]> {
    this.requirePortal(caller);
    const listed = await this.store.listAvailableServices(serial);
    if (listed === null) throw notFound(serial);
    const qualified = new Set(listed);
    return (await this.store.listServices()).map((service) => ({
      id: service.id,
      displayName: service.displayName,
      origins: service.origins,
      portal: service.portal,
      qualified: qualified.has(service.id),
    }));
  }

  /** The current CRL (DER), re-signed when stale or after an invalidation. */
  currentCrl(): Promise<Uint8Array> {
    return this.crl.current();
  }

  /** Answers a DER OCSP request with a DER OCSP response (never throws for bad input). */
  respondOcsp(requestDer: Uint8Array): Promise<Uint8Array> {
    return this.ocsp.respond(requestDer);
  }
}
