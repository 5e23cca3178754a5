import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyTree } from './policy-tree.js';

const ANY = '2.5.29.32.0';
const P1 = '1.2.3.1';
const P2 = '1.2.3.2';
const P3 = '1.2.3.3';
const policy = (oid: string): { oid: string; qualifiers: string[] } => ({ oid, qualifiers: [] });

describe('valid_policy_tree (RFC 5280 §6.1)', () => {
  it('keeps the policies every certificate asserts and drops the rest (§6.1.3 (d))', () => {
    const tree = new PolicyTree();
    tree.processCertificate(1, [policy(P1), policy(P2)], true);
    tree.processCertificate(2, [policy(P2), policy(P3)], true);
    tree.intersect(2, undefined);
    assert.deepEqual(tree.userConstrainedPolicies(2), [P2]);
  });

  it('lets anyPolicy match every expected policy, unless inhibited', () => {
    const allowed = new PolicyTree();
    allowed.processCertificate(1, [policy(P1)], true);
    allowed.processCertificate(2, [policy(ANY)], true);
    assert.deepEqual(allowed.userConstrainedPolicies(2), [P1]);

    const inhibited = new PolicyTree();
    inhibited.processCertificate(1, [policy(P1)], true);
    inhibited.processCertificate(2, [policy(ANY)], false);
    assert.ok(inhibited.isNull());
  });

  it('follows a mapping and reports the policy in the trust anchor’s domain (§6.1.4 (b))', () => {
    const tree = new PolicyTree();
    tree.processCertificate(1, [policy(P1)], true);
    tree.applyMappings(1, [{ issuerDomainPolicy: P1, subjectDomainPolicy: P3 }], true, []);
    tree.processCertificate(2, [policy(P3)], true);
    tree.intersect(2, new Set([P1]));
    assert.deepEqual(tree.userConstrainedPolicies(2), [P1]);
  });

  it('deletes mapped policies when mapping is inhibited', () => {
    const tree = new PolicyTree();
    tree.processCertificate(1, [policy(P1)], true);
    tree.applyMappings(1, [{ issuerDomainPolicy: P1, subjectDomainPolicy: P3 }], false, []);
    assert.ok(tree.isNull());
  });

  it('intersects an anyPolicy leaf with the user-initial-policy-set (§6.1.5 (g)(iii))', () => {
    const tree = new PolicyTree();
    tree.processCertificate(1, [policy(ANY)], true);
    tree.processCertificate(2, [policy(ANY)], true);
    tree.intersect(2, new Set([P2, P3]));
    assert.deepEqual(tree.userConstrainedPolicies(2), [P2, P3]);

    const none = new PolicyTree();
    none.processCertificate(1, [policy(P1)], true);
    none.intersect(1, new Set([P2]));
    assert.ok(none.isNull());
  });

  it('becomes NULL for a certificate without policies (§6.1.3 (e))', () => {
    const tree = new PolicyTree();
    tree.setNull();
    assert.ok(tree.isNull());
    assert.deepEqual(tree.userConstrainedPolicies(1), []);
  });
});
