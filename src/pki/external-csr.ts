/**
 * PKCS#10 requests (RFC 2986) signed by a key that never leaves its card: pkijs builds the
 * CertificationRequestInfo, the caller's signer signs its digest (a PIV GENERAL AUTHENTICATE), and pkijs
 * assembles the request. Used by the extension's enrollment and by tests that drive the software card.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromSchema, toDer } from './der.js';
import { PkiErrorCode } from './errors.js';
import { buildName } from './name.js';
import { OID_COMMON_NAME, OID_ECDSA_WITH_SHA256, OID_ECDSA_WITH_SHA384, OID_SHA256_WITH_RSA } from './oids.js';

/** The signature schemes a card key can give a request. */
export type ExternalCsrScheme = 'ecdsa-sha256' | 'ecdsa-sha384' | 'rsa-pkcs1-sha256';

const SCHEMES: Readonly<Record<ExternalCsrScheme, { readonly oid: string; readonly hash: 'SHA-256' | 'SHA-384'; readonly nullParams: boolean }>> = {
  // RFC 5758 §3.2: the ECDSA AlgorithmIdentifier has no parameters.
  'ecdsa-sha256': { oid: OID_ECDSA_WITH_SHA256, hash: 'SHA-256', nullParams: false },
  'ecdsa-sha384': { oid: OID_ECDSA_WITH_SHA384, hash: 'SHA-384', nullParams: false },
  // RFC 4055 §5: sha256WithRSAEncryption parameters are NULL.
  'rsa-pkcs1-sha256': { oid: OID_SHA256_WITH_RSA, hash: 'SHA-256', nullParams: true },
};

/** Signs the request's digest: DER Ecdsa-Sig-Value for ECDSA, the raw signature block for RSA. */
export type DigestSigner = (digest: Uint8Array, hash: 'SHA-256' | 'SHA-384') => Promise<Uint8Array>;

/**
 * Builds a certification request for `publicKey` (SubjectPublicKeyInfo DER) whose self-signature is made
 * by `sign`. Throws `PkiError` (`SPKI_MALFORMED`-style code from src/pki/errors.ts) for an unreadable key.
 */
export async function buildExternallySignedCsr(input: {
  readonly publicKey: Uint8Array;
  readonly scheme: ExternalCsrScheme;
  readonly sign: DigestSigner;
  readonly commonName?: string;
}): Promise<Uint8Array> {
  const scheme = SCHEMES[input.scheme];
  const request = new pkijs.CertificationRequest();
  request.version = 0; // RFC 2986 §4.1
  request.subject = buildName(input.commonName === undefined ? [] : [{ type: OID_COMMON_NAME, value: input.commonName }]);
  request.subjectPublicKeyInfo = fromSchema(input.publicKey, PkiErrorCode.CSR_MALFORMED, 'public key', (schema) => new pkijs.PublicKeyInfo({ schema }));
  request.signatureAlgorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: scheme.oid,
    ...(scheme.nullParams ? { algorithmParams: new asn1js.Null() } : {}),
  });
  // toSchema(true) re-encodes the CertificationRequestInfo from the fields; it is the first element.
  const info = request.toSchema(true).valueBlock.value[0];
  if (!info) throw new Error('pkijs produced no CertificationRequestInfo');
  const tbs = toDer(info);
  request.tbsView = tbs;
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest(scheme.hash, tbs.slice()));
  request.signatureValue = new asn1js.BitString({ valueHex: (await input.sign(digest, scheme.hash)).slice().buffer });
  return toDer(request.toSchema());
}
