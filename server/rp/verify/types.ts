/** Types of verifyAuthToken: its options, its result, and the path-validation contract it relies on. */
import { type RevocationOption } from '../revocation/options.js';
import { type CertificateSubject } from '../token/certificate.js';

/** Options of `verifyAuthToken`. */
export interface VerifyAuthTokenOptions {
  /** The relying party's own origin (`https://bank.example`): from configuration, never from the request. */
  readonly origin: string;
  /** The nonce this browser's session was issued — already consumed with `consumeChallenge`. */
  readonly challengeNonce: string;
  /** DER certificates trusted as path anchors. They may be CA certificates that are not self-signed. */
  readonly trustAnchors: readonly Uint8Array[];
  /** DER intermediate CA certificates, in any order. */
  readonly intermediates?: readonly Uint8Array[];
  /** How revocation is checked (see `RevocationOption`). */
  readonly revocation: RevocationOption;
  /** This relying party's service ID at the CA (used by `ca-check` when it has no `serviceId`). */
  readonly service?: string;
  /** Verification time (default: now). */
  readonly now?: Date;
}

/** What a successful verification tells the service. */
export interface VerifiedAuthToken {
  /** DER of the verified authentication certificate. */
  readonly certificate: Uint8Array;
  readonly subject: CertificateSubject;
  /** Canonical serial: lower-case hex, no leading zero octets (the CA's form). */
  readonly serial: string;
}

/** Input of a path validator (the contract of server/rp/path/validate.ts). */
export interface PathValidationInput {
  readonly leaf: Uint8Array;
  readonly intermediates: Uint8Array[];
  readonly trustAnchors: Uint8Array[];
  readonly crls?: Uint8Array[];
  readonly time: Date;
  readonly revocation?: 'crl' | 'none';
}

/** Result of a path validator. */
export type PathValidationResult = { readonly ok: true; readonly path: Uint8Array[] } | { readonly ok: false; readonly code: string; readonly message: string };

/** A path validator: `validateCertificatePath`, or a caching wrapper around it. */
export type PathValidator = (input: PathValidationInput) => Promise<PathValidationResult>;
