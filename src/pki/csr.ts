/**
 * PKCS#10 certificate requests (RFC 2986): parse strictly, check the key against the profile, and verify
 * the self-signature — the proof that the requester holds the private key (RFC 2986 §3, RFC 4211 §4).
 */
import * as pkijs from 'pkijs';
import { fromSchema } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';
import { classifySubjectKey, type SubjectKeyAlgorithm } from './key-algorithms.js';
import {
  OID_ECDSA_WITH_SHA256,
  OID_ECDSA_WITH_SHA384,
  OID_ECDSA_WITH_SHA512,
  OID_EC_PUBLIC_KEY,
  OID_RSA_ENCRYPTION,
  OID_SHA256_WITH_RSA,
  OID_SHA384_WITH_RSA,
  OID_SHA512_WITH_RSA,
} from './oids.js';

/** A request whose structure, key and proof of possession have all been checked. */
export interface VerifiedCsr {
  /** The parsed request (its subject is ignored: the CA names the holder itself). */
  readonly request: pkijs.CertificationRequest;
  /** The requester's public key, to be copied into the certificate unchanged. */
  readonly publicKeyInfo: pkijs.PublicKeyInfo;
  /** What kind of key it is. */
  readonly keyAlgorithm: SubjectKeyAlgorithm;
}

/** Signature algorithms accepted on a request, per key type (SHA-1 and RSA-PSS are refused). */
const ACCEPTED_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  [OID_EC_PUBLIC_KEY]: [OID_ECDSA_WITH_SHA256, OID_ECDSA_WITH_SHA384, OID_ECDSA_WITH_SHA512], // RFC 5758 §3.2
  [OID_RSA_ENCRYPTION]: [OID_SHA256_WITH_RSA, OID_SHA384_WITH_RSA, OID_SHA512_WITH_RSA], // RFC 4055 §5
};

/** Parses DER PKCS#10; throws `CSR_MALFORMED` for anything that is not exactly one request. */
export function parseCsr(der: Uint8Array): pkijs.CertificationRequest {
  const request = fromSchema(der, PkiErrorCode.CSR_MALFORMED, 'certificate request', (schema) => new pkijs.CertificationRequest({ schema }));
  // RFC 2986 §4.1: version is 0 (v1).
  if (request.version !== 0) throw new PkiError(PkiErrorCode.CSR_MALFORMED, `certificate request version ${request.version} is not v1 (0)`);
  return request;
}

/**
 * Parses and verifies a request: the key must be one the profile accepts (`CSR_KEY_UNSUPPORTED`), the
 * signature algorithm one we accept for that key (`CSR_SIGNATURE_UNSUPPORTED`), and the signature must
 * verify under the enclosed key (`CSR_SIGNATURE_INVALID`).
 */
export async function verifyCsr(der: Uint8Array): Promise<VerifiedCsr> {
  const request = parseCsr(der);
  const publicKeyInfo = request.subjectPublicKeyInfo;
  const keyAlgorithm = classifySubjectKey(publicKeyInfo);
  const signatureOid = request.signatureAlgorithm.algorithmId;
  const accepted = ACCEPTED_SIGNATURES[publicKeyInfo.algorithm.algorithmId] ?? [];
  if (!accepted.includes(signatureOid)) {
    throw new PkiError(PkiErrorCode.CSR_SIGNATURE_UNSUPPORTED, `signature algorithm ${signatureOid} is not accepted for this key`, {
      algorithm: signatureOid,
    });
  }
  let valid: boolean;
  try {
    valid = await request.verify(); // RFC 2986 §3: signature over certificationRequestInfo with the subject's key
  } catch (error) {
    throw new PkiError(PkiErrorCode.CSR_SIGNATURE_INVALID, `certificate request signature cannot be verified: ${(error as Error).message}`);
  }
  if (!valid) throw new PkiError(PkiErrorCode.CSR_SIGNATURE_INVALID, 'certificate request signature does not verify (no proof of possession)');
  return { request, publicKeyInfo, keyAlgorithm };
}
