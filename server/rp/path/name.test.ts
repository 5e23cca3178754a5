import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PathCode } from './codes.js';
import { PathFailure } from './failure.js';
import { nameToString, namesEqual, nameWithinSubtree, parseName, prepareString } from './name.js';
import { type NameSpec, nameDer } from './test-builder.js';

const C = '2.5.4.6';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const CN = '2.5.4.3';

function name(spec: NameSpec): ReturnType<typeof parseName> {
  return parseName(nameDer(spec));
}

describe('distinguished names (RFC 5280 §7.1)', () => {
  it('prepares strings: case folded, NFKC, insignificant spaces removed or compressed', () => {
    assert.equal(prepareString('  Good   CA  '), 'good ca');
    assert.equal(prepareString('ＧＯＯＤ\u00a0ca'), 'good ca');
    assert.equal(prepareString('Straße'), 'strasse');
  });

  it('matches names that differ only in case, whitespace or PrintableString vs UTF8String', () => {
    const a = name([[[C, 'US', 'printable']], [[O, 'Test Certificates 2011', 'printable']], [[CN, 'Good CA', 'printable']]]);
    const b = name([[[C, 'us', 'utf8']], [[O, '  test   CERTIFICATES 2011 ']], [[CN, 'good ca']]]);
    assert.ok(namesEqual(a, b));
  });

  it('does not match names whose RDNs are in another order or whose values differ', () => {
    const a = name([[[OU, 'One']], [[OU, 'Two']]]);
    assert.ok(!namesEqual(a, name([[[OU, 'Two']], [[OU, 'One']]])));
    assert.ok(!namesEqual(a, name([[[OU, 'One']], [[OU, 'Two2']]])));
    assert.ok(!namesEqual(a, name([[[OU, 'One']]])));
  });

  it('matches multi-valued RDNs as sets', () => {
    assert.ok(namesEqual(name([[[CN, 'A'], [OU, 'B']]]), name([[[OU, 'b'], [CN, 'a']]])));
    assert.ok(!namesEqual(name([[[CN, 'A'], [OU, 'B']]]), name([[[CN, 'A']], [[OU, 'B']]])));
  });

  it('puts a name within a subtree when the subtree is a prefix of its RDNs', () => {
    const base = name([[[C, 'US']], [[O, 'Test']]]);
    assert.ok(nameWithinSubtree(name([[[C, 'US']], [[O, 'test']], [[CN, 'Leaf']]]), base));
    assert.ok(nameWithinSubtree(base, base));
    assert.ok(!nameWithinSubtree(name([[[C, 'US']], [[O, 'Other']], [[CN, 'Leaf']]]), base));
    assert.ok(!nameWithinSubtree(name([[[C, 'US']]]), base));
  });

  it('prints names for messages', () => {
    assert.equal(nameToString(name([[[C, 'US']], [[CN, 'Good CA']]])), 'C=US, CN=Good CA');
  });

  it('refuses a Name that is not an RDNSequence', () => {
    assert.throws(() => parseName(new Uint8Array([0x31, 0x00])), (e: unknown) => e instanceof PathFailure && e.code === PathCode.CERTIFICATE_MALFORMED);
    assert.throws(() => parseName(new Uint8Array([0x30, 0x02, 0x31, 0x00])), (e: unknown) => e instanceof PathFailure && e.code === PathCode.CERTIFICATE_MALFORMED);
  });
});
