/** Full CRLs for the CA (RFC 5280 §5): v2, signed by the CA, numbered, with nextUpdate. */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromSchema, toDer, wholeSeconds } from './der.js';
import { PkiErrorCode } from './errors.js';
import { authorityKeyIdentifierExtension, crlNumberExtension, crlReasonExtension } from './extensions.js';
import { hashForSigningKey } from './key-algorithms.js';
import { subjectKeyIdOf } from './profile.js';
import { REVOCATION_REASON_CODES, type RevocationReason } from './revocation-reason.js';
import { serialToInteger } from './serial.js';
import { timeOf } from './time.js';

/** One revoked certificate as listed on the CRL. */
export interface RevokedEntry {
  /** Canonical hex serial. */
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

/** What goes into one CRL. */
export interface CrlInput {
  readonly issuerCertificate: pkijs.Certificate;
  readonly issuerKey: CryptoKey;
  /** cRLNumber: strictly greater than every number this CA published before (RFC 5280 §5.2.3). */
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly revoked: readonly RevokedEntry[];
}

/**
 * Builds and signs a full CRL. Entries carry a reasonCode unless the reason is `unspecified`, which
 * RFC 5280 §5.3.1 says SHOULD be absent. Returns DER.
 */
export async function buildCrl(input: CrlInput): Promise<Uint8Array> {
  const revokedCertificates = input.revoked.map((entry) => {
    const code = REVOCATION_REASON_CODES[entry.reason];
    return new pkijs.RevokedCertificate({
      userCertificate: serialToInteger(entry.serial),
      revocationDate: timeOf(wholeSeconds(entry.revokedAt)),
      ...(code === 0 ? {} : { crlEntryExtensions: new pkijs.Extensions({ extensions: [crlReasonExtension(code)] }) }),
    });
  });
  const crl = new pkijs.CertificateRevocationList({
    version: 1, // RFC 5280 §5.1.2.1: v2, since extensions are present
    issuer: input.issuerCertificate.subject, // §5.1.2.3: byte-identical to the issuer of the certificates
    thisUpdate: timeOf(wholeSeconds(input.thisUpdate)), // §5.1.2.4
    nextUpdate: timeOf(wholeSeconds(input.nextUpdate)), // §5.1.2.5: conforming CAs MUST include it
    // §5.1.2.6: when no certificates are revoked the list MUST be absent, not empty.
    ...(revokedCertificates.length > 0 ? { revokedCertificates } : {}),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        authorityKeyIdentifierExtension(await subjectKeyIdOf(input.issuerCertificate)), // §5.2.1 MUST
        crlNumberExtension(input.crlNumber), // §5.2.3 MUST
      ],
    }),
  });
  await crl.sign(input.issuerKey, hashForSigningKey(input.issuerKey));
  return toDer(crl.toSchema() as asn1js.Sequence);
}

/** Parses one DER CRL; throws `CRL_MALFORMED` otherwise. */
export function parseCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  return fromSchema(der, PkiErrorCode.CRL_MALFORMED, 'CRL', (schema) => new pkijs.CertificateRevocationList({ schema }));
}
