/**
 * Test-only factory for the path validator's unit tests: small certificates and CRLs built with
 * pkijs, with exactly the names, extensions and algorithms a test asks for (including ones a real CA
 * would refuse to issue). Not used by production code.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Key kinds the factory generates. */
export type KeyKind = 'P-256' | 'P-384' | 'P-521' | 'RSA' | 'RSA-PSS';

/** A generated key pair with the hash its signatures use. */
export interface TestKeyPair {
  readonly kind: KeyKind;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

/** A certificate the factory made: its DER, its pkijs form and its key pair. */
export interface Issued {
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
  readonly key: TestKeyPair;
}

const keyCache = new Map<KeyKind, TestKeyPair[]>();

/** Generates a key (fresh each call unless `reuse` picks one of a small pool, to keep RSA tests fast). */
export async function makeKey(kind: KeyKind = 'P-256', reuse?: number): Promise<TestKeyPair> {
  const pool = keyCache.get(kind) ?? [];
  keyCache.set(kind, pool);
  if (reuse !== undefined && pool[reuse]) return pool[reuse];
  const hash = kind === 'P-384' ? 'SHA-384' : kind === 'P-521' ? 'SHA-512' : 'SHA-256';
  const algorithm = kind === 'RSA' || kind === 'RSA-PSS'
    ? { name: kind === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash }
    : { name: 'ECDSA', namedCurve: kind };
  const pair = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const key = { kind, privateKey: pair.privateKey, publicKey: pair.publicKey, hash } as const;
  if (reuse !== undefined) pool[reuse] = key;
  return key;
}

/** One attribute of a name: OID, value, and the string type (default UTF8String). */
export type NamePart = readonly [oid: string, value: string, type?: 'utf8' | 'printable' | 'ia5'];

/** A Name: RDNs in order, each a set of attributes (usually one). A string is a lone CN. */
export type NameSpec = string | readonly (readonly NamePart[])[];

function stringValue(value: string, type: NamePart[2]): asn1js.BaseBlock {
  if (type === 'printable') return new asn1js.PrintableString({ value });
  if (type === 'ia5') return new asn1js.IA5String({ value });
  return new asn1js.Utf8String({ value });
}

/** DER of a Name, built with asn1js so multi-valued RDNs stay as written. */
export function nameDer(spec: NameSpec): Uint8Array {
  const rdns = typeof spec === 'string' ? [[['2.5.4.3', spec] as NamePart]] : spec;
  const sequence = new asn1js.Sequence({
    value: rdns.map((rdn) => new asn1js.Set({
      value: rdn.map(([oid, value, type]) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), stringValue(value, type)] })),
    })),
  });
  return new Uint8Array(sequence.toBER(false));
}

function pkijsName(spec: NameSpec): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(nameDer(spec)).result });
}

/** An extension with a DER value. */
export interface ExtensionSpec {
  readonly oid: string;
  readonly critical?: boolean;
  readonly value: Uint8Array;
}

/** A GeneralName for SANs and name constraints. */
export type GeneralNameSpec =
  | { readonly dns: string } | { readonly email: string } | { readonly uri: string }
  | { readonly ip: readonly number[] } | { readonly directory: NameSpec };

function generalName(spec: GeneralNameSpec): pkijs.GeneralName {
  if ('dns' in spec) return new pkijs.GeneralName({ type: 2, value: spec.dns });
  if ('email' in spec) return new pkijs.GeneralName({ type: 1, value: spec.email });
  if ('uri' in spec) return new pkijs.GeneralName({ type: 6, value: spec.uri });
  if ('ip' in spec) return new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: new Uint8Array(spec.ip).buffer }) });
  return new pkijs.GeneralName({ type: 4, value: pkijsName(spec.directory) });
}

/** DER of a subjectAltName value. */
export function subjectAltNameDer(names: readonly GeneralNameSpec[]): Uint8Array {
  return new Uint8Array(new pkijs.GeneralNames({ names: names.map(generalName) }).toSchema().toBER(false));
}

/** DER of a nameConstraints value. */
export function nameConstraintsDer(permitted: readonly GeneralNameSpec[], excluded: readonly GeneralNameSpec[] = []): Uint8Array {
  const subtrees = (list: readonly GeneralNameSpec[]): pkijs.GeneralSubtree[] => list.map((base) => new pkijs.GeneralSubtree({ base: generalName(base) }));
  const constraints = new pkijs.NameConstraints({
    ...(permitted.length > 0 ? { permittedSubtrees: subtrees(permitted) } : {}),
    ...(excluded.length > 0 ? { excludedSubtrees: subtrees(excluded) } : {}),
  });
  return new Uint8Array(constraints.toSchema().toBER(false));
}

/** KeyUsage bit names in RFC 5280 §4.2.1.3 order. */
const KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'] as const;

/** DER of a keyUsage value with the named bits. */
export function keyUsageDer(bits: readonly (typeof KEY_USAGE)[number][]): Uint8Array {
  const indexes = bits.map((bit) => KEY_USAGE.indexOf(bit));
  const last = Math.max(0, ...indexes);
  const bytes = new Uint8Array((last >> 3) + 1);
  for (const index of indexes) bytes[index >> 3] = (bytes[index >> 3] ?? 0) | (0x80 >> (index & 7));
  return new Uint8Array(new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: bits.length === 0 ? 0 : 7 - (last & 7) }).toBER(false));
}

/** What `issue` can vary. */
export interface IssueSpec {
  readonly subject: NameSpec;
  /** The issuer; absent = self-signed. */
  readonly issuer?: Issued;
  /** The subject's key (generated P-256 when absent). */
  readonly key?: TestKeyPair;
  /** CA with optional pathLenConstraint; false/absent = end entity (no basicConstraints). */
  readonly ca?: boolean | { readonly pathLen: number };
  /** keyUsage bits; null = no extension. Default: CA → keyCertSign+cRLSign, else digitalSignature. */
  readonly keyUsage?: readonly (typeof KEY_USAGE)[number][] | null;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly serial?: number;
  readonly subjectAltNames?: readonly GeneralNameSpec[];
  readonly extensions?: readonly ExtensionSpec[];
}

let nextSerial = 1000;

function pkijsExtension(spec: ExtensionSpec): pkijs.Extension {
  return new pkijs.Extension({ extnID: spec.oid, critical: spec.critical ?? false, extnValue: new Uint8Array(spec.value).buffer });
}

/** The time the factory's certificates are valid around by default. */
export const NOW = new Date('2030-06-01T00:00:00Z');

/** Issues a certificate as specified. */
export async function issue(spec: IssueSpec): Promise<Issued> {
  const key = spec.key ?? (await makeKey('P-256'));
  const signer = spec.issuer?.key ?? key;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: spec.serial ?? nextSerial++ });
  cert.subject = pkijsName(spec.subject);
  cert.issuer = spec.issuer ? spec.issuer.cert.subject : cert.subject;
  cert.notBefore.value = spec.notBefore ?? new Date(NOW.getTime() - 86_400_000);
  cert.notAfter.value = spec.notAfter ?? new Date(NOW.getTime() + 365 * 86_400_000);
  await cert.subjectPublicKeyInfo.importKey(key.publicKey);
  const extensions: ExtensionSpec[] = [];
  if (spec.ca) {
    const pathLen = typeof spec.ca === 'object' ? spec.ca.pathLen : undefined;
    extensions.push({ oid: '2.5.29.19', critical: true, value: new Uint8Array(new pkijs.BasicConstraints({ cA: true, ...(pathLen === undefined ? {} : { pathLenConstraint: pathLen }) }).toSchema().toBER(false)) });
  }
  const keyUsage = spec.keyUsage === undefined ? (spec.ca ? ['keyCertSign', 'cRLSign'] as const : ['digitalSignature'] as const) : spec.keyUsage;
  if (keyUsage !== null) extensions.push({ oid: '2.5.29.15', critical: true, value: keyUsageDer(keyUsage) });
  if (spec.subjectAltNames) extensions.push({ oid: '2.5.29.17', value: subjectAltNameDer(spec.subjectAltNames) });
  extensions.push(...(spec.extensions ?? []));
  cert.extensions = extensions.map(pkijsExtension);
  await cert.sign(signer.privateKey, signer.hash);
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  return { der, cert: pkijs.Certificate.fromBER(der), key };
}

/** One CRL entry. */
export interface EntrySpec {
  readonly serial: number;
  /** CRLReason value; absent = no reasonCode extension. */
  readonly reason?: number;
}

/** What `issueCrl` can vary. */
export interface CrlSpec {
  readonly issuer: Issued;
  readonly entries?: readonly EntrySpec[];
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  readonly crlNumber?: number;
  readonly extensions?: readonly ExtensionSpec[];
}

/** Issues a CRL signed by `spec.issuer`. */
export async function issueCrl(spec: CrlSpec): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = spec.issuer.cert.subject;
  const thisUpdate = spec.thisUpdate ?? new Date(NOW.getTime() - 3_600_000);
  crl.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: spec.nextUpdate ?? new Date(NOW.getTime() + 7 * 86_400_000) });
  const entries = spec.entries ?? [];
  if (entries.length > 0) {
    crl.revokedCertificates = entries.map((entry) => new pkijs.RevokedCertificate({
      userCertificate: new asn1js.Integer({ value: entry.serial }),
      revocationDate: new pkijs.Time({ type: 0, value: thisUpdate }),
      ...(entry.reason === undefined ? {} : {
        crlEntryExtensions: new pkijs.Extensions({ extensions: [pkijsExtension({ oid: '2.5.29.21', value: new Uint8Array(new asn1js.Enumerated({ value: entry.reason }).toBER(false)) })] }),
      }),
    }));
  }
  const extensions: ExtensionSpec[] = [{ oid: '2.5.29.20', value: new Uint8Array(new asn1js.Integer({ value: spec.crlNumber ?? 1 }).toBER(false)) }, ...(spec.extensions ?? [])];
  crl.crlExtensions = new pkijs.Extensions({ extensions: extensions.map(pkijsExtension) });
  await crl.sign(spec.issuer.key.privateKey, spec.issuer.key.hash);
  return new Uint8Array((crl.toSchema(true) as asn1js.Sequence).toBER(false));
}
