/**
 * Stable error codes of the PKI helpers (certificate requests, certificates, CRLs, OCSP). They cross the
 * CA's HTTP boundary inside `{ error: { code, message } }`, so never rename one, only add.
 */
import { KyotsuError } from '../errors.js';

/** Codes raised by `src/pki/*`. */
export const PkiErrorCode = {
  /** The certificate request is not a DER PKCS#10 `CertificationRequest` (RFC 2986 §4). */
  CSR_MALFORMED: 'CSR_MALFORMED',
  /** The request's self-signature (its proof of possession, RFC 2986 §3 step 3) does not verify. */
  CSR_SIGNATURE_INVALID: 'CSR_SIGNATURE_INVALID',
  /** The request is signed with an algorithm the CA does not accept (e.g. SHA-1, or unknown). */
  CSR_SIGNATURE_UNSUPPORTED: 'CSR_SIGNATURE_UNSUPPORTED',
  /** The request's key is not ECDSA P-256, ECDSA P-384 or RSA-2048. */
  CSR_KEY_UNSUPPORTED: 'CSR_KEY_UNSUPPORTED',
  /** Bytes that should be a DER X.509 certificate are not one. */
  CERTIFICATE_MALFORMED: 'CERTIFICATE_MALFORMED',
  /** Bytes that should be a DER CRL are not one. */
  CRL_MALFORMED: 'CRL_MALFORMED',
  /** Bytes that should be a DER `OCSPRequest` (RFC 6960 §4.1.1) are not one. */
  OCSP_REQUEST_MALFORMED: 'OCSP_REQUEST_MALFORMED',
  /** Bytes that should be a DER `OCSPResponse` (RFC 6960 §4.2.1) are not one. */
  OCSP_RESPONSE_MALFORMED: 'OCSP_RESPONSE_MALFORMED',
  /** A certificate serial number is not 1–20 positive octets (RFC 5280 §4.1.2.2) in hex. */
  SERIAL_MALFORMED: 'SERIAL_MALFORMED',
  /** A signing key is of a kind the helper cannot sign with. */
  KEY_UNSUPPORTED: 'KEY_UNSUPPORTED',
} as const;
export type PkiErrorCode = (typeof PkiErrorCode)[keyof typeof PkiErrorCode];

/** A PKI helper failure with one of the {@link PkiErrorCode} codes. */
export class PkiError extends KyotsuError {
  constructor(code: PkiErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'PkiError';
  }
}
