/**
 * A small certificate factory for relying-party tests, built on pkijs: keys, CA and end-entity
 * certificates with exactly the extensions a test asks for (or deliberately without them), and CRLs.
 * Test-only: the real CA lives in server/ca.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Key types the factory makes. */
export type KeySpec = 'P-256' | 'P-384' | 'P-521' | 'RSA-2048';

/** A key pair usable by pkijs (CryptoKey) and by node:crypto (KeyObject). */
export interface TestKey {
  readonly spec: KeySpec;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The same private key for node:crypto `sign`. */
  readonly nodePrivateKey: KeyObject;
}

/** A certificate with its DER, its pkijs form and (when the factory made the key) its key. */
export interface TestCertificate {
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
  readonly key: TestKey | undefined;
}

/** KeyUsage bit names in RFC 5280 §4.2.1.3 order. */
export const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

/** OIDs tests use. */
export const OID = {
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
} as const;

const HASH: Record<KeySpec, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512', 'RSA-2048': 'SHA-256' };

/** Generates a key pair (extractable, so node:crypto can use it too). */
export async function generateTestKey(spec: KeySpec = 'P-256'): Promise<TestKey> {
  const algorithm =
    spec === 'RSA-2048'
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: spec };
  const pair = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  return { spec, privateKey: pair.privateKey, publicKey: pair.publicKey, nodePrivateKey: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }) };
}

/** An X.501 name: optionally O, then CN, each its own RDN (pkijs would put a flat list in one SET). */
export function testName(commonName: string, organization?: string): pkijs.RelativeDistinguishedNames {
  const rdn = (type: string, value: string): asn1js.Set =>
    new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] });
  const rdns = [...(organization === undefined ? [] : [rdn(OID.organization, organization)]), rdn(OID.commonName, commonName)];
  // Parsed back from DER so pkijs keeps this exact encoding when it re-encodes the name.
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

/** DER BIT STRING of KeyUsage: named bits, trailing zero bits dropped (X.690 §11.2.2). */
function keyUsageBitString(usages: readonly KeyUsageName[]): asn1js.BitString {
  const indexes = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
  const last = Math.max(...indexes);
  const bytes = new Uint8Array(Math.floor(last / 8) + 1);
  for (const i of indexes) bytes[i >> 3]! |= 0x80 >> (i & 7);
  return new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: 7 - (last & 7) });
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

let serialCounter = 0x1000;

function copyBytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(view.length);
  copy.set(view);
  return copy;
}

/** Everything `issueTestCertificate` can vary. */
export interface IssueOptions {
  readonly subject: string;
  readonly organization?: string;
  /** The issuer; absent = self-signed with `key`. */
  readonly issuer?: TestCertificate;
  /** The subject key; generated (P-256) when neither this nor `subjectPublicKeyInfo` is given. */
  readonly key?: TestKey;
  /** A subject public key from elsewhere (e.g. a card), DER SubjectPublicKeyInfo; the cert has no `key`. */
  readonly subjectPublicKeyInfo?: Uint8Array;
  /** A CA certificate (basicConstraints cA, critical) with an optional path length. */
  readonly ca?: boolean | { readonly pathLength: number };
  /** KeyUsage bits; `null` leaves the extension out. Default: CA → keyCertSign+cRLSign, else digitalSignature. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** ExtendedKeyUsage OIDs; `null`/absent leaves the extension out (default for CAs), end entities default to clientAuth. */
  readonly extendedKeyUsage?: readonly string[] | null;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Serial content octets (positive); default a counter. */
  readonly serial?: Uint8Array;
  /** OCSP URL for the AuthorityInfoAccess extension. */
  readonly ocspUrl?: string;
  /** Further extensions, added as given. */
  readonly extraExtensions?: readonly pkijs.Extension[];
}

/** Issues (signs) a certificate as described. */
export async function issueTestCertificate(options: IssueOptions): Promise<TestCertificate> {
  const key = options.subjectPublicKeyInfo ? undefined : (options.key ?? (await generateTestKey('P-256')));
  const signer = options.issuer?.key ?? key;
  if (!signer) throw new Error('a self-signed certificate needs its own key');
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = options.serial ?? new Uint8Array([0x01, (serialCounter >> 8) & 0xff, serialCounter++ & 0xff]);
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.slice().buffer });
  cert.subject = testName(options.subject, options.organization);
  cert.issuer = options.issuer ? options.issuer.cert.subject : cert.subject;
  const now = Date.now();
  cert.notBefore.value = options.notBefore ?? new Date(now - 60 * 60 * 1000);
  cert.notAfter.value = options.notAfter ?? new Date(now + 365 * 24 * 60 * 60 * 1000);
  if (options.subjectPublicKeyInfo) {
    cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(copyBytes(options.subjectPublicKeyInfo));
  } else {
    await cert.subjectPublicKeyInfo.importKey(key!.publicKey);
  }
  const isCa = options.ca !== undefined && options.ca !== false;
  const extensions: pkijs.Extension[] = [];
  if (isCa) {
    const pathLength = typeof options.ca === 'object' ? options.ca.pathLength : undefined;
    extensions.push(extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true, ...(pathLength === undefined ? {} : { pathLenConstraint: pathLength }) }).toSchema()));
  }
  const keyUsage = options.keyUsage === undefined ? (isCa ? (['keyCertSign', 'cRLSign'] as const) : (['digitalSignature'] as const)) : options.keyUsage;
  if (keyUsage !== null) extensions.push(extension('2.5.29.15', true, keyUsageBitString(keyUsage)));
  const eku = options.extendedKeyUsage === undefined ? (isCa ? null : [OID.clientAuth]) : options.extendedKeyUsage;
  if (eku !== null) extensions.push(extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: [...eku] }).toSchema()));
  const ski = new Uint8Array(await crypto.subtle.digest('SHA-1', copyBytes(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)));
  extensions.push(extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: ski.buffer })));
  const issuerSki = options.issuer?.cert.extensions?.find((e) => e.extnID === '2.5.29.14');
  if (issuerSki) {
    const keyIdentifier = new asn1js.OctetString({ valueHex: (issuerSki.parsedValue as asn1js.OctetString).valueBlock.valueHexView.slice().buffer });
    extensions.push(extension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier }).toSchema()));
  }
  if (options.ocspUrl !== undefined) {
    const access = new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: new pkijs.GeneralName({ type: 6, value: options.ocspUrl }) });
    extensions.push(extension('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions: [access] }).toSchema()));
  }
  extensions.push(...(options.extraExtensions ?? []));
  cert.extensions = extensions;
  await cert.sign(signer.privateKey, HASH[signer.spec]);
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  return { der, cert: pkijs.Certificate.fromBER(der), key };
}

/** A root CA, an intermediate CA under it, and a way to issue end-entity certificates under the intermediate. */
export interface TestPki {
  readonly root: TestCertificate;
  readonly intermediate: TestCertificate;
  /** Issues an end-entity (login) certificate under the intermediate; defaults: P-256, digitalSignature, clientAuth. */
  issueLeaf(options?: Partial<IssueOptions>): Promise<TestCertificate>;
}

/** Makes a fresh root + intermediate. */
export async function createTestPki(name = 'Test'): Promise<TestPki> {
  const root = await issueTestCertificate({ subject: `${name} Root CA`, organization: 'kyotsu tests', key: await generateTestKey('P-384'), ca: true });
  const intermediate = await issueTestCertificate({ subject: `${name} Issuing CA`, organization: 'kyotsu tests', issuer: root, ca: { pathLength: 0 } });
  return {
    root,
    intermediate,
    issueLeaf: (options = {}) => issueTestCertificate({ subject: 'Hanako Yamada', ...options, issuer: options.issuer ?? intermediate }),
  };
}

/** A CRL by `issuer` listing `revoked` serials (content octets). */
export async function issueTestCrl(issuer: TestCertificate, revoked: readonly Uint8Array[], thisUpdate = new Date(Date.now() - 60_000), nextUpdate = new Date(Date.now() + 86_400_000)): Promise<Uint8Array> {
  if (!issuer.key) throw new Error('issuer has no key');
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = issuer.cert.subject;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: nextUpdate });
  crl.revokedCertificates = revoked.map(
    (serial) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ valueHex: serial.slice().buffer }), revocationDate: new pkijs.Time({ type: 0, value: thisUpdate }) }),
  );
  const issuerSki = issuer.cert.extensions?.find((e) => e.extnID === '2.5.29.14');
  const crlExtensions: pkijs.Extension[] = [extension('2.5.29.20', false, new asn1js.Integer({ value: 1 }))];
  if (issuerSki) {
    const keyIdentifier = new asn1js.OctetString({ valueHex: (issuerSki.parsedValue as asn1js.OctetString).valueBlock.valueHexView.slice().buffer });
    crlExtensions.push(extension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier }).toSchema()));
  }
  crl.crlExtensions = new pkijs.Extensions({ extensions: crlExtensions });
  await crl.sign(issuer.key.privateKey, HASH[issuer.key.spec]);
  const schema = crl.toSchema(true) as asn1js.Sequence;
  return new Uint8Array(schema.toBER(false));
}
