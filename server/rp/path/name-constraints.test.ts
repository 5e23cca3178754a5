import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PathCode } from './codes.js';
import { PathFailure } from './failure.js';
import { type GeneralName } from './general-name.js';
import { type NameConstraints, checkNameConstraints, constrainedNames, parseNameConstraints } from './name-constraints.js';
import { parseName } from './name.js';
import { nameConstraintsDer, nameDer } from './test-builder.js';

const EMPTY = parseName(nameDer([]));

function allowed(names: readonly GeneralName[], constraints: readonly NameConstraints[]): boolean {
  try {
    checkNameConstraints(names, constraints, EMPTY);
    return true;
  } catch (error) {
    if (error instanceof PathFailure && error.code === PathCode.NAME_CONSTRAINTS_VIOLATED) return false;
    throw error;
  }
}

const dns = (value: string): GeneralName => ({ kind: 'dns', value });
const email = (value: string): GeneralName => ({ kind: 'rfc822', value });
const uri = (value: string): GeneralName => ({ kind: 'uri', value });
const ip = (...bytes: number[]): GeneralName => ({ kind: 'ip', bytes: new Uint8Array(bytes) });

describe('name constraints (RFC 5280 §4.2.1.10)', () => {
  it('dNSName: adds labels on the left only, case-insensitively', () => {
    const c = [parseNameConstraints(nameConstraintsDer([{ dns: 'Bank.Example' }]))];
    assert.ok(allowed([dns('bank.example')], c));
    assert.ok(allowed([dns('login.BANK.example')], c));
    assert.ok(!allowed([dns('evilbank.example')], c));
    assert.ok(!allowed([dns('bank.example.evil')], c));
  });

  it('rfc822Name: a mailbox, a host, or every host of a domain', () => {
    const mailbox = [parseNameConstraints(nameConstraintsDer([{ email: 'alice@bank.example' }]))];
    assert.ok(allowed([email('alice@BANK.example')], mailbox));
    assert.ok(!allowed([email('Alice@bank.example')], mailbox));
    const host = [parseNameConstraints(nameConstraintsDer([{ email: 'bank.example' }]))];
    assert.ok(allowed([email('bob@bank.example')], host));
    assert.ok(!allowed([email('bob@mail.bank.example')], host));
    const domain = [parseNameConstraints(nameConstraintsDer([{ email: '.bank.example' }]))];
    assert.ok(allowed([email('bob@mail.bank.example')], domain));
    assert.ok(!allowed([email('bob@bank.example')], domain));
  });

  it('uniformResourceIdentifier: the host, or subdomains for a leading period', () => {
    const host = [parseNameConstraints(nameConstraintsDer([{ uri: 'bank.example' }]))];
    assert.ok(allowed([uri('https://user@BANK.example:8443/path')], host));
    assert.ok(!allowed([uri('https://www.bank.example/')], host));
    assert.ok(!allowed([uri('urn:isbn:123')], host));
    const domain = [parseNameConstraints(nameConstraintsDer([{ uri: '.bank.example' }]))];
    assert.ok(allowed([uri('https://www.bank.example/')], domain));
  });

  it('iPAddress: address and mask, one family at a time', () => {
    const c = [parseNameConstraints(nameConstraintsDer([{ ip: [10, 1, 0, 0, 255, 255, 0, 0] }]))];
    assert.ok(allowed([ip(10, 1, 2, 3)], c));
    assert.ok(!allowed([ip(10, 2, 0, 1)], c));
    assert.ok(!allowed([ip(...new Array<number>(16).fill(0))], c));
  });

  it('excluded subtrees win, and names of forms without constraints pass', () => {
    const c = [parseNameConstraints(nameConstraintsDer([{ dns: 'bank.example' }], [{ dns: 'test.bank.example' }]))];
    assert.ok(!allowed([dns('a.test.bank.example')], c));
    assert.ok(allowed([email('anyone@anywhere.example')], c));
  });

  it('a name must satisfy every constraints extension on the path (their intersection)', () => {
    const c = [
      parseNameConstraints(nameConstraintsDer([{ dns: 'example' }])),
      parseNameConstraints(nameConstraintsDer([{ dns: 'bank.example' }])),
    ];
    assert.ok(allowed([dns('www.bank.example')], c));
    assert.ok(!allowed([dns('www.shop.example')], c));
  });

  it('directoryName: the subject must lie in a permitted subtree', () => {
    const c = [parseNameConstraints(nameConstraintsDer([{ directory: [[['2.5.4.6', 'JP']], [['2.5.4.10', 'Kyotsu']]] }]))];
    const inside = parseName(nameDer([[['2.5.4.6', 'JP']], [['2.5.4.10', 'kyotsu']], [['2.5.4.3', 'Hanako']]]));
    const outside = parseName(nameDer([[['2.5.4.6', 'JP']], [['2.5.4.10', 'Other']], [['2.5.4.3', 'Hanako']]]));
    assert.ok(allowed(constrainedNames(inside, undefined), c));
    assert.ok(!allowed(constrainedNames(outside, undefined), c));
  });

  it('checks an emailAddress in the subject as an rfc822Name when there is no subjectAltName', () => {
    const subject = parseName(nameDer([[['1.2.840.113549.1.9.1', 'eve@evil.example', 'ia5']]]));
    const c = [parseNameConstraints(nameConstraintsDer([{ email: 'bank.example' }]))];
    assert.ok(!allowed(constrainedNames(subject, undefined), c));
    assert.ok(allowed(constrainedNames(subject, [dns('x.example')]), c));
  });

  it('refuses constraints with a minimum or maximum, which cannot be honoured', () => {
    const malformed = (e: unknown): boolean => e instanceof PathFailure && e.code === PathCode.CERTIFICATE_MALFORMED;
    // SEQUENCE { permittedSubtrees [0] { SEQUENCE { dNSName "a", maximum [1] 1 } } }
    assert.throws(() => parseNameConstraints(new Uint8Array([0x30, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0x82, 0x01, 0x61, 0x81, 0x01, 0x01])), malformed);
    // … and with minimum [0] 1
    assert.throws(() => parseNameConstraints(new Uint8Array([0x30, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0x82, 0x01, 0x61, 0x80, 0x01, 0x01])), malformed);
    // … while minimum 0 is fine
    assert.equal(parseNameConstraints(new Uint8Array([0x30, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0x82, 0x01, 0x61, 0x80, 0x01, 0x00])).permitted?.length, 1);
  });
});
