/**
 * A throwaway certificate over a public key generated on a card, for tests and benchmarks of the PIV
 * session (the real certificates come from the CA in server/). Built with pkijs, signed by a fresh
 * WebCrypto P-256 key; `size` pads it with a private extension to about that many bytes.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID_COMMON_NAME = '2.5.4.3'; // X.520, RFC 5280 Appendix A
const OID_PADDING = '1.3.6.1.4.1.55555.1'; // a private, non-critical extension that only adds bytes

/** Issues a certificate for the SubjectPublicKeyInfo `spki`; returns its DER. */
export async function issueTestCertificate(spki: Uint8Array, options: { commonName?: string; size?: number } = {}): Promise<Uint8Array> {
  const issuerKeys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const name = (cn: string): pkijs.RelativeDistinguishedNames =>
    new pkijs.RelativeDistinguishedNames({
      typesAndValues: [new pkijs.AttributeTypeAndValue({ type: OID_COMMON_NAME, value: new asn1js.Utf8String({ value: cn }) })],
    });
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: crypto.getRandomValues(new Uint8Array(8)).map((b, i) => (i === 0 ? b & 0x7f : b)) });
  certificate.issuer = name('kyotsu card test issuer');
  certificate.subject = name(options.commonName ?? 'Card Holder');
  certificate.notBefore.value = new Date(Date.now() - 60_000);
  certificate.notAfter.value = new Date(Date.now() + 86_400_000);
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(new Uint8Array(spki));
  const base = 400 + spki.length;
  if (options.size !== undefined && options.size > base) {
    certificate.extensions = [
      new pkijs.Extension({
        extnID: OID_PADDING,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: new Uint8Array(options.size - base) }).toBER(false),
      }),
    ];
  }
  await certificate.sign(issuerKeys.privateKey, 'SHA-256');
  return new Uint8Array(certificate.toSchema().toBER(false));
}
