/**
 * Seeded mutation fuzzing of `validateCertificatePath`: flipped, dropped and inserted bytes in the
 * leaf, the intermediate and a CRL must only ever produce a result with a documented code — never a
 * throw, never INTERNAL.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { PathCode } from './codes.js';
import { type Issued, NOW, issue, issueCrl } from './test-builder.js';
import { validateCertificatePath } from './validate.js';

const ITERATIONS = 150;
const KNOWN = new Set<string>(Object.values(PathCode).filter((code) => code !== PathCode.INTERNAL));

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

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = [...bytes];
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.6) out[at] = Math.floor(random() * 256);
    else if (kind < 0.8) out.splice(at, 1);
    else out.splice(at, 0, Math.floor(random() * 256));
  }
  return new Uint8Array(out);
}

describe('validateCertificatePath under mutated input', () => {
  let root: Issued;
  let issuing: Issued;
  let leaf: Issued;
  let crl: Uint8Array;

  before(async () => {
    root = await issue({ subject: 'Fuzz Root', ca: true });
    issuing = await issue({ subject: 'Fuzz Issuing CA', issuer: root, ca: true, subjectAltNames: [{ dns: 'ca.example' }] });
    leaf = await issue({ subject: 'Fuzz Leaf', issuer: issuing, subjectAltNames: [{ email: 'leaf@example.org' }] });
    crl = await issueCrl({ issuer: issuing, entries: [{ serial: 99, reason: 1 }] });
  });

  for (const target of ['leaf', 'intermediate', 'crl'] as const) {
    it(`returns only documented codes when the ${target} is corrupted`, async () => {
      const random = prng(target.length * 7919);
      const seen = new Set<string>();
      for (let i = 0; i < ITERATIONS; i++) {
        const result = await validateCertificatePath({
          leaf: target === 'leaf' ? mutate(leaf.der, random) : leaf.der,
          intermediates: [target === 'intermediate' ? mutate(issuing.der, random) : issuing.der],
          trustAnchors: [root.der],
          crls: [await issueCrlOnce(), target === 'crl' ? mutate(crl, random) : crl],
          time: NOW,
        });
        const code = result.ok ? 'OK' : result.code;
        assert.ok(code === 'OK' || KNOWN.has(code), `iteration ${i}: ${code} ${result.ok ? '' : result.message}`);
        seen.add(code);
      }
      // Corruption must be noticed most of the time.
      assert.ok([...seen].some((code) => code !== 'OK'));
    });
  }

  let rootCrl: Uint8Array | undefined;
  async function issueCrlOnce(): Promise<Uint8Array> {
    rootCrl ??= await issueCrl({ issuer: root });
    return rootCrl;
  }
});
