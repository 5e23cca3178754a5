/**
 * RFC 5280 path validation throughput: `validateCertificatePath` on 3-certificate paths (root →
 * issuing CA → leaf, intermediates given unordered), with and without CRL checking, for ECDSA and
 * RSA issuers, and on the PKITS 4.1.1 path. Each call parses every input and verifies every
 * signature afresh (no cache across calls: that is server/rp/verify's job).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type KeyKind, NOW, issue, issueCrl, makeKey } from '../server/rp/path/test-builder.js';
import { type ValidatePathInput, validateCertificatePath } from '../server/rp/path/validate.js';
import { type BenchTable } from './table.js';

const SECONDS_PER_CASE = 2;

async function pathOf(kind: KeyKind, withCrls: boolean): Promise<ValidatePathInput> {
  const root = await issue({ subject: `Bench ${kind} Root`, key: await makeKey(kind), ca: true });
  const issuing = await issue({ subject: `Bench ${kind} Issuing CA`, key: await makeKey(kind), issuer: root, ca: { pathLen: 0 } });
  const leaf = await issue({ subject: 'Bench Leaf', issuer: issuing });
  return {
    leaf: leaf.der, intermediates: [issuing.der], trustAnchors: [root.der], time: NOW,
    ...(withCrls ? { crls: [await issueCrl({ issuer: root }), await issueCrl({ issuer: issuing })], revocation: 'crl' as const } : { revocation: 'none' as const }),
  };
}

function pkitsPath(): ValidatePathInput | undefined {
  const dir = fileURLToPath(new URL('../../shared/conformance/pkits/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  const read = (kind: 'certs' | 'crls', name: string): Uint8Array => new Uint8Array(readFileSync(`${dir}${kind}/${name}.${kind === 'certs' ? 'crt' : 'crl'}`));
  return {
    leaf: read('certs', 'ValidCertificatePathTest1EE'), intermediates: [read('certs', 'GoodCACert')],
    trustAnchors: [read('certs', 'TrustAnchorRootCertificate')], crls: [read('crls', 'TrustAnchorRootCRL'), read('crls', 'GoodCACRL')],
    time: new Date('2011-04-15T00:00:00Z'), revocation: 'crl',
  };
}

async function measure(input: ValidatePathInput): Promise<{ perSecond: number; meanMs: number }> {
  for (let i = 0; i < 5; i++) {
    const warm = await validateCertificatePath(input);
    if (!warm.ok) throw new Error(`benchmark path does not validate: ${warm.code} ${warm.message}`);
  }
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS_PER_CASE * 1000) {
    await validateCertificatePath(input);
    count++;
  }
  const elapsed = performance.now() - start;
  return { perSecond: Math.round((count * 1000) / elapsed), meanMs: Math.round((elapsed / count) * 100) / 100 };
}

/** Runs the benchmark. */
export async function run(): Promise<BenchTable[]> {
  const cases: [string, ValidatePathInput | undefined][] = [
    ['ECDSA P-256, revocation none', await pathOf('P-256', false)],
    ['ECDSA P-256, 2 CRLs', await pathOf('P-256', true)],
    ['ECDSA P-384, 2 CRLs', await pathOf('P-384', true)],
    ['RSA-2048, revocation none', await pathOf('RSA', false)],
    ['RSA-2048, 2 CRLs', await pathOf('RSA', true)],
    ['PKITS 4.1.1 (RSA-2048, 2 CRLs)', pkitsPath()],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, input] of cases) {
    if (!input) {
      rows.push([name, 'n/a', 'n/a']);
      continue;
    }
    const { perSecond, meanMs } = await measure(input);
    rows.push([name, perSecond, meanMs]);
  }
  return [{
    title: 'validateCertificatePath: 3-certificate paths (one core, sequential calls)',
    columns: ['path', 'validations/s', 'mean ms'],
    rows,
    notes: [
      'Every call parses all inputs and verifies every signature (certificates and CRLs) from scratch.',
      'With CRLs: both certificates below the anchor are checked against a CRL of their issuer (§6.3).',
    ],
  }];
}
