/**
 * Relying-party throughput, on one core (one event loop, one operation at a time unless stated):
 *
 * 1. ES256 token verifications per second through `AuthTokenVerifier` — every check of verifyAuthToken,
 *    the path validated through the warm cache of validated intermediates — as a ratio to bare
 *    `crypto.verify` of the very same token signatures in the same run (the floor any verifier pays), for
 *    holders never seen before and for returning holders; `verifyAuthToken` without the intermediate
 *    cache (full path every time) for comparison.
 * 2. Challenge create + consume pairs per second for the memory, SQLite and Redis stores, sequentially
 *    and with 32 logins in flight.
 *
 * Bounded: about 30 s in all.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fromBase64 } from '../src/bytes.js';
import { parseAuthToken } from '../src/protocol/auth-token.js';
import { tokenSignedData } from '../src/protocol/signed-data.js';
import { MemoryChallengeStore } from '../server/rp/challenge/memory-store.js';
import { RedisChallengeStore } from '../server/rp/challenge/redis-store.js';
import { ChallengeService } from '../server/rp/challenge/service.js';
import { SqliteChallengeStore } from '../server/rp/challenge/sqlite-store.js';
import { type ChallengeStore } from '../server/rp/challenge/store.js';
import { createTestPki, generateTestKey } from '../server/rp/test-support/test-pki.js';
import { signToken } from '../server/rp/test-support/tokens.js';
import { AuthTokenVerifier } from '../server/rp/verifier.js';
import { verifyAuthToken } from '../server/rp/verify-auth-token.js';
import { type BenchTable } from './table.js';

const ORIGIN = 'https://bank-a.example';
const NEW_HOLDERS = 250;
const RETURNING_HOLDERS = 32;

/** Runs `operation` repeatedly for `ms` milliseconds (after `warmUp` calls); returns operations per second. */
async function rate(ms: number, operation: (i: number) => Promise<void> | void, warmUp = 20): Promise<number> {
  for (let i = 0; i < warmUp; i++) await operation(i);
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 16; k++) await operation(count++);
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

/** Like `rate`, with `inFlight` operations running concurrently. */
async function concurrentRate(ms: number, inFlight: number, operation: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() - start < ms) {
      await operation();
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (count * 1000) / (performance.now() - start);
}

const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

interface BenchToken {
  readonly text: string;
  readonly nonce: string;
  readonly key: KeyObject;
  readonly signedData: Uint8Array;
  readonly signature: Uint8Array;
}

/** Verifies each token once, in order; returns verifications per second. */
async function oncePerToken(tokens: readonly BenchToken[], verifyOne: (token: BenchToken) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (const token of tokens) await verifyOne(token);
  return (tokens.length * 1000) / (performance.now() - start);
}

async function tokenTable(): Promise<BenchTable> {
  const pki = await createTestPki('Bench');
  const keys = await Promise.all(Array.from({ length: 8 }, () => generateTestKey('P-256')));
  const tokens: BenchToken[] = [];
  for (let i = 0; i < NEW_HOLDERS + 1; i++) {
    const key = keys[i % keys.length]!;
    const leaf = await pki.issueLeaf({ subject: `Holder ${i}`, key });
    const { nonce } = await new ChallengeService().createChallenge();
    const token = await signToken(leaf, ORIGIN, nonce, 'ES256');
    tokens.push({
      text: JSON.stringify(token),
      nonce,
      key: createPublicKey({ key: Buffer.from(leaf.cert.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' }),
      signedData: await tokenSignedData('ES256', ORIGIN, nonce),
      signature: fromBase64(token.signature),
    });
  }
  const [warmUp, ...fresh] = tokens;
  const returning = fresh.slice(0, RETURNING_HOLDERS);
  const options = { origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' as const };
  const verifier = new AuthTokenVerifier(options);
  await verifier.verify(warmUp!.text, warmUp!.nonce); // validates the full path once: the cache is now warm

  const bare = await rate(3000, (i) => {
    const t = fresh[i % fresh.length]!;
    if (!verify('sha256', t.signedData, { key: t.key, dsaEncoding: 'ieee-p1363' }, t.signature)) throw new Error('bare verify failed');
  });
  const newHolders = await oncePerToken(fresh, (t) => verifier.verify(t.text, t.nonce));
  const returningHolders = await rate(3000, async (i) => {
    const t = returning[i % returning.length]!;
    await verifier.verify(t.text, t.nonce);
  });
  const noCache = await rate(3000, async (i) => {
    const t = returning[i % returning.length]!;
    await verifyAuthToken(t.text, { ...options, challengeNonce: t.nonce });
  });
  const parseToken = await rate(1000, (i) => void parseAuthToken(returning[i % returning.length]!.text));
  const row = (what: string, perSecond: number): (string | number)[] => [what, round(perSecond), round(1e6 / perSecond, 1), round(perSecond / bare, 3)];
  return {
    title: 'ES256 login token verification, one core',
    columns: ['what', 'per second', 'µs each', 'ratio to bare crypto.verify'],
    rows: [
      row('bare crypto.verify of the same token signatures (P-256, P1363)', bare),
      row(`AuthTokenVerifier, warm intermediate cache, ${NEW_HOLDERS} holders never seen before`, newHolders),
      row(`AuthTokenVerifier, warm intermediate cache, ${RETURNING_HOLDERS} returning holders`, returningHolders),
      row(`verifyAuthToken (full path each time), ${RETURNING_HOLDERS} returning holders`, noCache),
    ],
    notes: [
      "Every check of verifyAuthToken runs (parse, key fit, validity, usage, path, signature); revocation 'none'. Chain: P-384 root → P-256 issuing CA → P-256 holders.",
      `Intermediate cache: ${verifier.cache.hits} short-path validations (leaf under the cached issuing CA), ${verifier.cache.misses} full.`,
      'A warm verification checks two P-256 signatures (the leaf by its CA, the token by the leaf), so 0.5 is the ratio\'s ceiling; the rest is DER and JSON decoding.',
      '"Returning" holders hit the path validator\'s memo of parsed certificates (keyed by SHA-256 of the DER); new holders pay the full pkijs/asn1js decode of their certificate, the dominant cost.',
      `parseAuthToken (strict JSON + base64) alone: ${round(1e6 / parseToken, 1)} µs.`,
      'Shared machine: other processes may be running; compare ratios within one run, not absolute figures across runs.',
    ],
  };
}

async function challengeRates(store: ChallengeStore): Promise<[number, number]> {
  const service = new ChallengeService({ store });
  const pair = async (): Promise<void> => {
    const { nonce } = await service.createChallenge();
    await service.consumeChallenge(nonce);
  };
  return [await rate(2000, pair), await concurrentRate(2000, 32, pair)];
}

async function challengeTable(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const notes: string[] = ['One create + one consume per pair; SQLite is a WAL file in the temp directory; Redis at 127.0.0.1:6379 over loopback, one connection.'];
  const [memorySeq, memoryPar] = await challengeRates(new MemoryChallengeStore());
  rows.push(['memory', round(memorySeq), round(memoryPar)]);

  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-bench-'));
  try {
    const sqlite = new SqliteChallengeStore(join(dir, 'challenges.db'));
    const [sqliteSeq, sqlitePar] = await challengeRates(sqlite);
    rows.push(['SQLite (better-sqlite3, WAL)', round(sqliteSeq), round(sqlitePar)]);
    sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const client = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const prefix = `kyotsu-bench:${process.pid}:${Date.now()}:`;
  try {
    await client.connect();
    const [redisSeq, redisPar] = await challengeRates(new RedisChallengeStore({ client, keyPrefix: prefix }));
    rows.push(['Redis (ioredis, SET PX / GETDEL)', round(redisSeq), round(redisPar)]);
  } catch (error) {
    rows.push(['Redis', 'unavailable', 'unavailable']);
    notes.push(`Redis could not be measured: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    client.disconnect();
  }
  return { title: 'Challenge create + consume pairs per second', columns: ['store', 'sequential', '32 in flight'], rows, notes };
}

/** Runs the relying-party benchmark (about 30 s). */
export async function run(): Promise<BenchTable[]> {
  return [await tokenTable(), await challengeTable()];
}
