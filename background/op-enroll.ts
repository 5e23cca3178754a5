/**
 * Enrollment, in two steps a service page drives:
 * 1. `generateKey`: after the holder's consent (asked by the handler) and PIN, the card generates a new
 *    key in slot 9A and signs a CSR with it; the background remembers the key for this origin.
 * 2. `writeCertificate`: the certificate the CA issued is checked to carry exactly that key, for the same
 *    origin, and written to the card's 9A certificate container.
 * Only the latest enrollment is open (a new key replaces the previous one on the card anyway); it expires
 * after `ENROLLMENT_TTL_MS` and with the background (memory only: a restarted worker answers
 * `ENROLLMENT_UNKNOWN`, and the page starts again).
 */
import { bytesEqual } from '../src/bytes.js';
import { toErrorObject } from '../src/errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type ActivityEntry, type EnrollAlgorithm } from '../src/message-results.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { toDer } from '../src/pki/der.js';
import { toPem } from '../src/pki/pem.js';
import { type ActivityLog } from './activity.js';
import { buildCardCsr } from './card-csr.js';
import { type Caller, type CardJobDeps, runCardJob } from './card-job.js';
import { certificateView } from './certificate-view.js';
import { unlockCard, type UnlockDeps } from './pin-unlock.js';

/** How long a generated key waits for its certificate. */
export const ENROLLMENT_TTL_MS = 30 * 60_000;

/** What enrollment needs. */
export interface EnrollDeps extends CardJobDeps, UnlockDeps {
  readonly activity: ActivityLog;
  readonly newId: () => string;
}

interface Enrollment {
  readonly id: string;
  readonly origin: string;
  readonly spki: Uint8Array;
  readonly createdAt: number;
}

/** The open enrollment of this background (at most one). */
export class Enrollments {
  private open: Enrollment | null = null;

  constructor(private readonly deps: EnrollDeps) {}

  /** Step 1: new key on the card, CSR signed by it (PEM). The caller must have the holder's consent. */
  async generateKey(caller: Caller, algorithm: EnrollAlgorithm): Promise<{ enrollmentId: string; csr: string; algorithm: EnrollAlgorithm }> {
    const origin = requireOrigin(caller);
    return runCardJob(this.deps, caller, undefined, async (session, signal) =>
      this.logged(caller, 'enroll', async () => {
        await unlockCard(this.deps, session, caller, 'enroll', signal);
        this.open = null; // the old key is about to be replaced on the card
        const spki = await session.generateAuthKey(algorithm);
        const csr = await buildCardCsr(spki, algorithm, (digest) => session.signDigest(algorithm, digest));
        const enrollment: Enrollment = { id: this.deps.newId(), origin, spki, createdAt: this.deps.clock.now() };
        this.open = enrollment;
        return { enrollmentId: enrollment.id, csr: toPem(csr, 'CERTIFICATE REQUEST'), algorithm };
      }),
    );
  }

  /** Step 2: writes the issued certificate if it carries the generated key. */
  async writeCertificate(caller: Caller, enrollmentId: string, certificate: Uint8Array): Promise<{ serial: string; subject: string }> {
    const origin = requireOrigin(caller);
    const open = this.open;
    if (!open || open.id !== enrollmentId || open.origin !== origin || this.deps.clock.now() - open.createdAt > ENROLLMENT_TTL_MS) {
      throw new ExtensionError(ExtensionErrorCode.ENROLLMENT_UNKNOWN, 'No key is waiting for this certificate; start the enrollment again');
    }
    const spki = toDer(parseCertificate(certificate).subjectPublicKeyInfo.toSchema());
    if (!bytesEqual(spki, open.spki)) {
      throw new ExtensionError(ExtensionErrorCode.CERTIFICATE_KEY_MISMATCH, 'The certificate is not for the key on the card');
    }
    const view = certificateView(certificate);
    return runCardJob(this.deps, caller, undefined, (session) =>
      this.logged(caller, 'write-certificate', async () => {
        await session.writeAuthCertificate(certificate);
        if (this.open === open) this.open = null;
        return { serial: view.serial, subject: view.subject };
      }, view.serial),
    );
  }

  private async logged<T>(caller: Caller, operation: ActivityEntry['operation'], work: () => Promise<T>, serial: string | null = null): Promise<T> {
    const record = (result: string) =>
      this.deps.activity.record({ time: this.deps.clock.now(), origin: caller.origin, service: caller.serviceName, serial, operation, result, automatic: false });
    try {
      const value = await work();
      await record('ok');
      return value;
    } catch (error) {
      await record(toErrorObject(error).code);
      throw error;
    }
  }
}

function requireOrigin(caller: Caller): string {
  if (caller.origin === null) throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, 'Only a service page can enroll');
  return caller.origin;
}
