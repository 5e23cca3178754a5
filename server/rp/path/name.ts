/**
 * X.501 distinguished names compared as RFC 5280 §7.1 requires: attribute values in the
 * DirectoryString types are prepared with the LDAP StringPrep profile (RFC 4518: NFKC, case folding,
 * insignificant-space compression) before an exact match; RDNs match as sets, DNs as sequences.
 */
import { type Asn1Node, Tag, TagClass, children, contents, encoding, malformed, oid, parseDer, sequence } from './asn1.js';
import { toHex } from '../../../src/bytes.js';

/** One attribute of an RDN: its type and the prepared comparison key of its value. */
export interface NameAttribute {
  readonly type: string;
  /** Comparison key: `s:` + prepared string, or `d:` + hex DER for non-string values. */
  readonly key: string;
  /** The value as text, for messages only. */
  readonly text: string;
}

/** A parsed distinguished name. */
export interface DistinguishedName {
  /** RDNs in encoded order (most significant first); each is a set of attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** One string that is equal for two names exactly when the names match (§7.1). */
  readonly key: string;
  /** The DER encoding of the Name. */
  readonly der: Uint8Array;
}

/** OID of the PKCS #9 emailAddress attribute (RFC 5280 §4.1.2.6, legacy e-mail in subject DNs). */
export const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC', [EMAIL_ADDRESS_OID]: 'emailAddress',
};

function decodeString(tag: number, bytes: Uint8Array): string | undefined {
  switch (tag) {
    case Tag.UTF8_STRING:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch (error) {
        return malformed(`UTF8String (${error instanceof Error ? error.message : 'undecodable'})`);
      }
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.NUMERIC_STRING:
    case Tag.TELETEX_STRING: // T.61 is treated as Latin-1, as most implementations do.
      return String.fromCharCode(...bytes);
    case Tag.BMP_STRING: {
      let text = '';
      for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
      return text;
    }
    case Tag.UNIVERSAL_STRING: {
      let text = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        const code = (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
        text += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
      }
      return text;
    }
    default:
      return undefined;
  }
}

/**
 * RFC 4518 string preparation as RFC 5280 §7.1 clarifies it: map (case fold, RFC 3454 B.2),
 * normalize (NFKC), and insignificant-space handling (leading/trailing removed, inner runs → one).
 */
export function prepareString(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .replace(/[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu, ' ')
    .trim();
}

function parseAttribute(node: Asn1Node): NameAttribute {
  const [typeNode, valueNode, extra] = sequence(node, 'AttributeTypeAndValue');
  if (!typeNode || !valueNode || extra) malformed('AttributeTypeAndValue');
  const type = oid(typeNode, 'attribute type');
  const text = valueNode.idBlock.tagClass === TagClass.UNIVERSAL
    ? decodeString(valueNode.idBlock.tagNumber, contents(valueNode, 'attribute value'))
    : undefined;
  if (text === undefined) return { type, key: `d:${toHex(encoding(valueNode))}`, text: `#${toHex(encoding(valueNode))}` };
  return { type, key: `s:${prepareString(text)}`, text };
}

function keyOf(rdns: readonly (readonly NameAttribute[])[]): string {
  return JSON.stringify(rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.key}`).sort()));
}

/** Parses a DER `Name` (RDNSequence). Throws `CERTIFICATE_MALFORMED` if it is not one. */
export function parseName(der: Uint8Array): DistinguishedName {
  return nameFromNode(parseDer(der, 'Name'));
}

/** Builds a `DistinguishedName` from an already parsed RDNSequence element. */
export function nameFromNode(node: Asn1Node): DistinguishedName {
  const rdns = sequence(node, 'Name').map((set) => {
    if (set.idBlock.tagNumber !== Tag.SET || set.idBlock.tagClass !== TagClass.UNIVERSAL) malformed('RDN');
    const attributes = children(set, 'RDN').map(parseAttribute);
    if (attributes.length === 0) malformed('RDN');
    return attributes;
  });
  return { rdns, key: keyOf(rdns), der: encoding(node) };
}

/** Parses a lone `RelativeDistinguishedName` (SET OF AttributeTypeAndValue) given its children. */
export function rdnFromNodes(nodes: readonly Asn1Node[]): NameAttribute[] {
  return nodes.map(parseAttribute);
}

/** A name made of `base` followed by one more RDN (§4.2.1.13 nameRelativeToCRLIssuer). */
export function appendRdn(base: DistinguishedName, rdn: readonly NameAttribute[]): DistinguishedName {
  const rdns = [...base.rdns, rdn];
  return { rdns, key: keyOf(rdns), der: new Uint8Array(0) };
}

/** RFC 5280 §7.1: two DNs match. */
export function namesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.key === b.key;
}

/** RFC 5280 §7.1: `name` is within the subtree rooted at `base` (base's RDNs are a prefix). */
export function nameWithinSubtree(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return keyOf(name.rdns.slice(0, base.rdns.length)) === base.key;
}

/** A readable one-line form for messages, e.g. `C=US, O=Test, CN=Good CA`. */
export function nameToString(name: DistinguishedName): string {
  if (name.rdns.length === 0) return '(empty name)';
  return name.rdns.map((rdn) => rdn.map((a) => `${SHORT_NAMES[a.type] ?? a.type}=${a.text}`).join('+')).join(', ');
}
