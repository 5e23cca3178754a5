/**
 * GeneralName (RFC 5280 §4.2.1.6) read from its DER, keeping every form this validator compares:
 * rfc822Name, dNSName, uniformResourceIdentifier, iPAddress and directoryName. Other forms are kept
 * as their tag and encoding so they can be compared byte for byte and never silently dropped.
 */
import { type Asn1Node, TagClass, children, contents, encoding, malformed, sequence } from './asn1.js';
import { type DistinguishedName, nameFromNode, nameToString, namesEqual } from './name.js';
import { toHex } from '../../../src/bytes.js';

/** A parsed GeneralName. */
export type GeneralName =
  | { readonly kind: 'rfc822'; readonly value: string }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'directory'; readonly name: DistinguishedName }
  | { readonly kind: 'other'; readonly tag: number; readonly der: Uint8Array };

/** The GeneralName CHOICE tags (§4.2.1.6). */
export const GeneralNameTag = {
  otherName: 0, rfc822Name: 1, dNSName: 2, x400Address: 3, directoryName: 4, ediPartyName: 5,
  uniformResourceIdentifier: 6, iPAddress: 7, registeredID: 8,
} as const;

function ia5(node: Asn1Node, what: string): string {
  const bytes = contents(node, what);
  for (const byte of bytes) if (byte > 0x7f) malformed(`${what} (not IA5String)`);
  return String.fromCharCode(...bytes);
}

/** Parses one GeneralName element. */
export function parseGeneralName(node: Asn1Node): GeneralName {
  if (node.idBlock.tagClass !== TagClass.CONTEXT) malformed('GeneralName');
  const tag = node.idBlock.tagNumber;
  switch (tag) {
    case GeneralNameTag.rfc822Name:
      return { kind: 'rfc822', value: ia5(node, 'rfc822Name') };
    case GeneralNameTag.dNSName:
      return { kind: 'dns', value: ia5(node, 'dNSName') };
    case GeneralNameTag.uniformResourceIdentifier:
      return { kind: 'uri', value: ia5(node, 'uniformResourceIdentifier') };
    case GeneralNameTag.iPAddress:
      if (node.idBlock.isConstructed) malformed('iPAddress');
      return { kind: 'ip', bytes: contents(node, 'iPAddress') };
    case GeneralNameTag.directoryName: {
      // [4] is EXPLICIT because Name is a CHOICE (X.680 §31.2.7).
      const inner = children(node, 'directoryName');
      if (inner.length !== 1 || !inner[0]) malformed('directoryName');
      return { kind: 'directory', name: nameFromNode(inner[0]) };
    }
    default:
      if (tag > GeneralNameTag.registeredID) malformed('GeneralName');
      return { kind: 'other', tag, der: encoding(node) };
  }
}

/** Parses `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` given its element's children. */
export function parseGeneralNames(nodes: readonly Asn1Node[], what: string): GeneralName[] {
  if (nodes.length === 0) malformed(what);
  return nodes.map(parseGeneralName);
}

/** Parses a universal SEQUENCE OF GeneralName (the SAN / certificateIssuer extension value). */
export function parseGeneralNamesSequence(node: Asn1Node, what: string): GeneralName[] {
  return parseGeneralNames(sequence(node, what), what);
}

/**
 * Equality of two GeneralNames as used for distribution-point names (§6.3.3 (b)(2)(i)):
 * directory names per §7.1, DNS names and e-mail hosts case-insensitively, URIs exactly
 * (scheme and host case-insensitively, §7.4), other forms byte for byte.
 */
export function generalNamesEqual(a: GeneralName, b: GeneralName): boolean {
  switch (a.kind) {
    case 'directory':
      return b.kind === 'directory' && namesEqual(a.name, b.name);
    case 'dns':
      return b.kind === 'dns' && a.value.toLowerCase() === b.value.toLowerCase();
    case 'rfc822':
      return b.kind === 'rfc822' && a.value.toLowerCase() === b.value.toLowerCase();
    case 'uri':
      return b.kind === 'uri' && normalizeUriForCompare(a.value) === normalizeUriForCompare(b.value);
    case 'ip':
      return b.kind === 'ip' && toHex(a.bytes) === toHex(b.bytes);
    case 'other':
      return b.kind === 'other' && a.tag === b.tag && toHex(a.der) === toHex(b.der);
  }
}

function normalizeUriForCompare(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/su.exec(uri);
  if (!match) return uri;
  return `${(match[1] ?? '').toLowerCase()}://${(match[2] ?? '').toLowerCase()}${match[3] ?? ''}`;
}

/** A readable form for messages. */
export function generalNameToString(name: GeneralName): string {
  switch (name.kind) {
    case 'directory':
      return `DirName:${nameToString(name.name)}`;
    case 'ip':
      return `IP:${toHex(name.bytes)}`;
    case 'other':
      return `[${name.tag}]`;
    default:
      return `${name.kind}:${name.value}`;
  }
}
