/**
 * NIST PKITS 1.0.1 conformance (../shared/conformance/pkits, beside the repository): every one of the
 * 249 cases through `validateCertificatePath`, with the intermediates shuffled (deterministically) to
 * prove path building, the case's CRLs, and revocation 'crl'. One stated exception: DSA is not
 * supported, so the two valid-DSA cases 4.1.4 and 4.1.5 must be rejected with UNSUPPORTED_ALGORITHM.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PathCode } from './codes.js';
import { runValidation } from './engine.js';
import { type ValidatePathInput, validateCertificatePath } from './validate.js';

interface PkitsCase {
  id: string;
  title: string;
  certs: string[];
  crls: string[];
  should_validate: boolean;
  settings: Record<string, string>;
}

const PKITS_DIR = fileURLToPath(new URL('../../../../shared/conformance/pkits/', import.meta.url));
const EXPECTED = `${PKITS_DIR}expected.json`;
/** The time the PKITS data is valid at (shared/conformance/README.md). */
const PKITS_TIME = new Date('2011-04-15T00:00:00Z');
/** PKITS §4.1.4 and §4.1.5 are valid DSA paths; DSA is deliberately unsupported. */
const DSA_CASES = new Set(['4.1.4', '4.1.5']);

/**
 * Why each invalid case must be rejected, as PKITS.pdf describes it, in this validator's codes: the
 * section's reason unless listed. Asserting the code proves a case fails for its own reason and not
 * by accident (an unrelated parse error, a missing CRL).
 */
function expectedCode(id: string): PathCode {
  const REVOKED = PathCode.CERTIFICATE_REVOKED;
  const UNKNOWN = PathCode.REVOCATION_UNKNOWN;
  const CRL = PathCode.CRL_INVALID;
  const exceptions: Record<string, PathCode> = {
    '4.1.6': PathCode.UNSUPPORTED_ALGORITHM, // a DSA signature
    '4.2.1': PathCode.CERTIFICATE_NOT_YET_VALID, '4.2.2': PathCode.CERTIFICATE_NOT_YET_VALID,
    '4.4.1': UNKNOWN, '4.4.2': REVOKED, '4.4.3': REVOKED, '4.4.4': CRL, '4.4.5': UNKNOWN, '4.4.6': UNKNOWN,
    '4.4.8': CRL, '4.4.9': CRL, '4.4.10': CRL, '4.4.11': CRL, '4.4.12': CRL, '4.4.15': REVOKED, '4.4.18': REVOKED,
    '4.4.20': REVOKED, '4.4.21': CRL,
    '4.5.8': PathCode.NOT_A_CA, // the CRL-signing key is not a CA key
    '4.6.1': PathCode.NOT_A_CA, '4.6.2': PathCode.NOT_A_CA, '4.6.3': PathCode.NOT_A_CA,
    '4.7.1': PathCode.KEY_USAGE_CERT_SIGN_MISSING, '4.7.2': PathCode.KEY_USAGE_CERT_SIGN_MISSING, '4.7.4': CRL, '4.7.5': CRL,
    '4.14.3': UNKNOWN, '4.14.8': UNKNOWN, '4.14.9': UNKNOWN, '4.14.11': UNKNOWN, '4.14.12': UNKNOWN, '4.14.14': UNKNOWN,
    '4.14.17': UNKNOWN, '4.14.26': UNKNOWN, '4.14.27': UNKNOWN, '4.14.35': UNKNOWN,
    '4.15.1': UNKNOWN, '4.15.10': CRL,
  };
  const bySection: Record<string, PathCode> = {
    '4.1': PathCode.SIGNATURE_INVALID, '4.2': PathCode.CERTIFICATE_EXPIRED, '4.3': PathCode.NO_PATH, '4.5': REVOKED,
    '4.6': PathCode.PATH_LENGTH_EXCEEDED, '4.8': PathCode.POLICY_INVALID, '4.9': PathCode.POLICY_INVALID,
    '4.10': PathCode.POLICY_INVALID, '4.11': PathCode.POLICY_INVALID, '4.12': PathCode.POLICY_INVALID,
    '4.13': PathCode.NAME_CONSTRAINTS_VIOLATED, '4.14': REVOKED, '4.15': REVOKED, '4.16': PathCode.UNKNOWN_CRITICAL_EXTENSION,
  };
  const section = id.split('.').slice(0, 2).join('.');
  const code = exceptions[id] ?? bySection[section];
  if (code === undefined) throw new Error(`no expected code for invalid case ${id}`);
  return code;
}

// PKITS.pdf §3: NIST-test-policy-N is 2.16.840.1.101.3.2.1.48.N.
function policyOid(name: string): string {
  if (name === 'anyPolicy') return '2.5.29.32.0';
  const match = /^NIST-test-policy-(\d+)$/u.exec(name);
  if (!match) throw new Error(`unknown PKITS policy name ${name}`);
  return `2.16.840.1.101.3.2.1.48.${match[1]}`;
}

function policyList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').filter((p) => p !== '').map(policyOid);
}

/** mulberry32: a small seeded PRNG, so the shuffle is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash;
}

function shuffled<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  const random = prng(seedOf(seed));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  // Reversed order is what a naive "in order" builder would get wrong; make sure it is never the given order.
  if (out.length > 1 && out.every((item, index) => item === items[index])) out.reverse();
  return out;
}

function read(kind: 'certs' | 'crls', name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${PKITS_DIR}${kind}/${name}.${kind === 'certs' ? 'crt' : 'crl'}`));
}

function inputFor(testCase: PkitsCase): ValidatePathInput {
  const certs = testCase.certs.map((name) => read('certs', name));
  const anchor = certs[0];
  const leaf = certs[certs.length - 1];
  if (!anchor || !leaf || certs.length < 2) throw new Error(`case ${testCase.id} has fewer than two certificates`);
  const settings = testCase.settings;
  const initialPolicySet = policyList(settings.SetInitialPolicySet);
  return {
    leaf,
    intermediates: shuffled(certs.slice(1, -1), testCase.title),
    trustAnchors: [anchor],
    crls: testCase.crls.map((name) => read('crls', name)),
    time: PKITS_TIME,
    policy: {
      ...(initialPolicySet ? { initialPolicySet } : {}),
      explicitPolicy: settings.SetInitialExplicitPolicy === 'true',
      policyMappingInhibit: settings.SetInitialPolicyMappingInhibit === 'true',
      anyPolicyInhibit: settings.SetInitialInhibitAnyPolicy === 'true',
    },
    revocation: 'crl',
  };
}

function testName(testCase: PkitsCase): string {
  return testCase.title.startsWith(`${testCase.id} `) ? testCase.title : `${testCase.id} ${testCase.title}`;
}

describe('NIST PKITS', () => {
  if (!existsSync(EXPECTED)) {
    it('finds the PKITS data', () => {
      assert.fail(`PKITS data not found at ${PKITS_DIR}: the shared conformance data must sit beside the repository (../shared/conformance/pkits)`);
    });
    return;
  }
  const cases = JSON.parse(readFileSync(EXPECTED, 'utf8')) as PkitsCase[];

  it('has all 249 cases of PKITS 1.0.1', () => {
    assert.equal(cases.length, 249);
  });

  for (const testCase of cases) {
    it(testName(testCase), async () => {
      const input = inputFor(testCase);
      const result = await validateCertificatePath(input);
      if (DSA_CASES.has(testCase.id)) {
        // The stated exception: a valid DSA path, refused because DSA is not supported.
        assert.equal(testCase.should_validate, true);
        assert.deepEqual(result.ok ? { ok: true } : { ok: false, code: result.code }, { ok: false, code: PathCode.UNSUPPORTED_ALGORITHM });
        return;
      }
      if (testCase.should_validate) {
        assert.ok(result.ok, `expected the path to validate, got ${result.ok ? '' : `${result.code}: ${result.message}`}`);
        assert.deepEqual(result.path[0], input.trustAnchors[0], 'the path starts at the trust anchor');
        assert.deepEqual(result.path[result.path.length - 1], input.leaf, 'the path ends at the leaf');
        const expectedPolicies = policyList(testCase.settings.SetUserConstrainedPolicySet);
        if (expectedPolicies) {
          // PKITS also states the user-constrained policy set (§6.1.5 (g)) of valid paths.
          const detailed = await runValidation(input);
          assert.ok(detailed.ok);
          assert.deepEqual([...detailed.userConstrainedPolicySet].sort(), [...expectedPolicies].sort(), 'user-constrained policy set');
        }
      } else {
        assert.ok(!result.ok, 'expected the path to be rejected');
        assert.equal(result.code, expectedCode(testCase.id.split('.').slice(0, 3).join('.')), result.message);
      }
    });
  }
});
