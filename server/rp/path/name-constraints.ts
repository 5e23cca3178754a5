/**
 * Name constraints (RFC 5280 §4.2.1.10) and their enforcement in path validation (§6.1.3 (b), (c),
 * §6.1.4 (g)). Rather than computing intersections of subtrees, every constraints extension met so
 * far is kept and a name must satisfy each one: a name lies in the intersection of permitted sets
 * exactly when it lies in every one of them, and in the union of excluded sets when in any.
 */
import { type Asn1Node, TagClass, children, hasTag, integer, malformed, parseDer, sequence } from './asn1.js';
import { PathCode } from './codes.js';
import { fail } from './failure.js';
import { type GeneralName, generalNameToString, parseGeneralName } from './general-name.js';
import { type DistinguishedName, EMAIL_ADDRESS_OID, nameToString, nameWithinSubtree } from './name.js';

/** The constraints of one certificate (or trust anchor). */
export interface NameConstraints {
  readonly permitted: readonly GeneralName[] | undefined;
  readonly excluded: readonly GeneralName[] | undefined;
}

function parseSubtrees(node: Asn1Node): GeneralName[] {
  const subtrees = children(node, 'GeneralSubtrees').map((subtree) => {
    const [base, ...bounds] = sequence(subtree, 'GeneralSubtree');
    if (!base) malformed('GeneralSubtree');
    for (const bound of bounds) {
      // §4.2.1.10: "the minimum and maximum fields are not used with any name forms, thus, the minimum
      // MUST be zero, and maximum MUST be absent." Anything else cannot be honoured, so it is refused.
      if (!hasTag(bound, TagClass.CONTEXT, 0) || integer(bound, 'GeneralSubtree minimum') !== 0n) {
        malformed('GeneralSubtree (minimum/maximum are not supported)');
      }
    }
    const name = parseGeneralName(base);
    if (name.kind === 'ip' && name.bytes.length !== 8 && name.bytes.length !== 32) malformed('iPAddress name constraint');
    return name;
  });
  if (subtrees.length === 0) malformed('GeneralSubtrees (empty)');
  return subtrees;
}

/** §4.2.1.10 NameConstraints ::= SEQUENCE { permittedSubtrees [0] OPTIONAL, excludedSubtrees [1] OPTIONAL } */
export function parseNameConstraints(der: Uint8Array): NameConstraints {
  let permitted: GeneralName[] | undefined;
  let excluded: GeneralName[] | undefined;
  let last = -1;
  const fields = sequence(parseDer(der, 'nameConstraints'), 'nameConstraints');
  // §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (fields.length === 0) malformed('nameConstraints (empty)');
  for (const field of fields) {
    const tag = field.idBlock.tagNumber;
    if (field.idBlock.tagClass !== TagClass.CONTEXT || tag <= last || tag > 1) malformed('nameConstraints');
    last = tag;
    if (tag === 0) permitted = parseSubtrees(field);
    else excluded = parseSubtrees(field);
  }
  return { permitted, excluded };
}

function hostOfMailbox(mailbox: string): string | undefined {
  const at = mailbox.lastIndexOf('@');
  return at > 0 && at < mailbox.length - 1 ? mailbox.slice(at + 1) : undefined;
}

// §4.2.1.10 rfc822Name: a mailbox, all mailboxes at a host, or all mailboxes in a domain (".example.com").
function rfc822Within(mailbox: string, constraint: string): boolean | undefined {
  const host = hostOfMailbox(mailbox);
  if (host === undefined) return undefined;
  if (constraint.includes('@')) {
    const constraintHost = hostOfMailbox(constraint);
    const at = mailbox.lastIndexOf('@');
    // §7.5: local part exact, host part case-insensitive.
    return constraintHost !== undefined && mailbox.slice(0, at) === constraint.slice(0, constraint.lastIndexOf('@'))
      && host.toLowerCase() === constraintHost.toLowerCase();
  }
  if (constraint.startsWith('.')) return host.toLowerCase().endsWith(constraint.toLowerCase());
  return host.toLowerCase() === constraint.toLowerCase();
}

// §4.2.1.10 / §7.2 dNSName: names built by adding labels to the left of the constraint, label by label.
function dnsWithin(name: string, constraint: string): boolean {
  const host = name.toLowerCase().replace(/\.$/u, '');
  const base = constraint.toLowerCase().replace(/\.$/u, '');
  if (base === '') return true;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base || host.endsWith(`.${base}`);
}

// §4.2.1.10 uniformResourceIdentifier: the constraint applies to the host part of the URI.
function uriHost(uri: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/u.exec(uri);
  const host = match?.[1];
  return host === undefined || host === '' ? undefined : host.toLowerCase();
}

function uriWithin(uri: string, constraint: string): boolean | undefined {
  const host = uriHost(uri);
  if (host === undefined) return undefined;
  const base = constraint.toLowerCase();
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base;
}

// §4.2.1.10 iPAddress: address and mask, 8 octets for IPv4 and 32 for IPv6.
function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = constraint[address.length + i] ?? 0;
    if (((address[i] ?? 0) & mask) !== ((constraint[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Whether `name` is within the subtree `base`: true, false, or undefined when it cannot be decided. */
function within(name: GeneralName, base: GeneralName): boolean | undefined {
  switch (base.kind) {
    case 'directory':
      return name.kind === 'directory' ? nameWithinSubtree(name.name, base.name) : false;
    case 'rfc822':
      return name.kind === 'rfc822' ? rfc822Within(name.value, base.value) : false;
    case 'dns':
      return name.kind === 'dns' ? dnsWithin(name.value, base.value) : false;
    case 'uri':
      return name.kind === 'uri' ? uriWithin(name.value, base.value) : false;
    case 'ip':
      return name.kind === 'ip' ? ipWithin(name.bytes, base.bytes) : false;
    case 'other':
      // Forms this validator cannot compare (otherName, x400Address, …) decide nothing.
      return name.kind === 'other' && name.tag === base.tag ? undefined : false;
  }
}

function sameForm(name: GeneralName, base: GeneralName): boolean {
  return name.kind === base.kind && (name.kind !== 'other' || (base.kind === 'other' && name.tag === base.tag));
}

/**
 * The names certificate `i` is checked under (§6.1.3 (b), (c)): its subject (when not empty), its
 * subjectAltName entries, and — when it has no subjectAltName — emailAddress attributes of its
 * subject as rfc822Names (§4.2.1.10).
 */
export function constrainedNames(subject: DistinguishedName, subjectAltNames: readonly GeneralName[] | undefined): GeneralName[] {
  const names: GeneralName[] = [];
  if (subject.rdns.length > 0) names.push({ kind: 'directory', name: subject });
  if (subjectAltNames) names.push(...subjectAltNames);
  else {
    for (const rdn of subject.rdns) {
      for (const attribute of rdn) {
        if (attribute.type === EMAIL_ADDRESS_OID) names.push({ kind: 'rfc822', value: attribute.text });
      }
    }
  }
  return names;
}

/**
 * RFC 5280 §6.1.3 (b) and (c): every name must be within one permitted subtree of its form (for each
 * constraints extension that has permitted subtrees of that form) and within no excluded subtree.
 * Throws `NAME_CONSTRAINTS_VIOLATED` naming the offending name.
 */
export function checkNameConstraints(names: readonly GeneralName[], constraints: readonly NameConstraints[], subject: DistinguishedName): void {
  for (const set of constraints) {
    for (const name of names) {
      const permitted = set.permitted?.filter((base) => sameForm(name, base)) ?? [];
      if (permitted.length > 0 && !permitted.some((base) => within(name, base) === true)) {
        fail(PathCode.NAME_CONSTRAINTS_VIOLATED, `${generalNameToString(name)} in the certificate for ${nameToString(subject)} is not within the permitted subtrees`);
      }
      for (const base of set.excluded ?? []) {
        if (!sameForm(name, base)) continue;
        const inside = within(name, base);
        if (inside !== false) {
          fail(PathCode.NAME_CONSTRAINTS_VIOLATED, `${generalNameToString(name)} in the certificate for ${nameToString(subject)} is within the excluded subtree ${generalNameToString(base)}`);
        }
      }
    }
  }
}
