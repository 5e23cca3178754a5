/**
 * State shared by one `validateCertificatePath` call: the inputs, the validation time, and caches
 * so that path building, basic processing and CRL checks never verify the same signature twice.
 */
import { type ParsedCertificate, type SignedObject } from './certificate.js';
import { PathCode } from './codes.js';
import { type ParsedCrl } from './crl.js';
import { PathFailure } from './failure.js';
import { verifySignature } from './signature.js';

/** Upper bound on signature verifications in one call, so hostile inputs cannot make it unbounded. */
export const SIGNATURE_BUDGET = 1000;
/** Upper bound on path-building steps (issuer look-ups) in one call, for the same reason. */
export const STEP_BUDGET = 1000;

/** Thrown when `SIGNATURE_BUDGET` is exhausted: ends the whole validation, never just one branch. */
export class BudgetExhausted extends PathFailure {
  constructor() {
    super(PathCode.NO_PATH, 'path building gave up: too many candidate certificates and CRLs to try');
  }
}

/** One validation's inputs and caches. */
export class ValidationContext {
  private readonly signatures = new Map<string, Promise<boolean>>();
  private verifications = 0;
  private steps = 0;
  /** Revocation results already established, by certificate id (see revocation.ts). */
  readonly revocationResults = new Map<string, Promise<void>>();
  /** Certificates whose revocation status is being determined right now (cycle guard). */
  readonly revocationInProgress = new Set<string>();

  constructor(
    /** The validation time (§6.1.1 (b)). */
    readonly time: Date,
    /** Untrusted certificates available for building paths (intermediates, CRL signers). */
    readonly pool: readonly ParsedCertificate[],
    readonly crls: readonly ParsedCrl[],
    /** Whether §6.3 CRL checking is performed. */
    readonly checkRevocation: boolean,
  ) {}

  /** Counts one path-building step; throws `BudgetExhausted` past `STEP_BUDGET`. */
  step(): void {
    if (++this.steps > STEP_BUDGET) throw new BudgetExhausted();
  }

  /**
   * Verifies `signed` (identified by `signedId`) with `issuer`'s public key, once per pair.
   * Throws `UNSUPPORTED_ALGORITHM` for algorithms that are not supported.
   */
  verify(signed: SignedObject, signedId: string, issuer: ParsedCertificate): Promise<boolean> {
    const key = `${signedId}|${issuer.id}`;
    let result = this.signatures.get(key);
    if (result === undefined) {
      if (++this.verifications > SIGNATURE_BUDGET) throw new BudgetExhausted();
      result = verifySignature(signed, issuer.spki, issuer.keyAlgorithm);
      this.signatures.set(key, result);
    }
    return result;
  }
}
