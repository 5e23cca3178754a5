/**
 * Certificate authority throughput on loopback, with the CA in its own process (as deployed) and the
 * load generator here, for the SQLite store and for PostgreSQL:
 *
 * 1. `GET /api/v1/check` (the per-login check): requests per second and p50/p99 latency with 32 requests
 *    in flight over keep-alive connections, for a bounded time after a warm-up.
 * 2. `POST /api/v1/certificates` (issue: CSR proof-of-possession check, signing, one durable
 *    transaction): certificates per second with 8 in flight, for a bounded count.
 * 3. `PUT /api/v1/certificates/:serial/services/:id` (qualify: verify the holder proof — the card's login
 *    token at the service, with server/rp's verifier — then one durable transaction): qualifies per second
 *    with 8 in flight, one per certificate issued in 2, each a real addition. The tokens are signed before
 *    the clock starts (that is the card's work, not the CA's).
 *
 * About 45 s in all. Both processes share this machine's cores, so the figures are a floor.
 */
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HolderProof } from '../src/ca-api.js';
import { initKeyStore } from '../server/ca/keys/key-store.js';
import { registerService } from '../server/ca/service-registry.js';
import { startCaProcess } from '../server/ca/testing/ca-process-handle.js';
import { BACKENDS, createTestStore, HOLDER, type Backend } from '../server/ca/testing/fixture.js';
import { issuedHolder, loginProof, newHolder, type TestHolder } from '../server/ca/testing/holder.js';
import { type BenchTable } from './table.js';

const CHECK_CONCURRENCY = 32;
const CHECK_WARM_UP_MS = 1000;
const CHECK_MS = 6000;
const ISSUE_CONCURRENCY = 8;
const ISSUE_COUNT = 150;
const QUALIFY_CONCURRENCY = 8;
const BANK_B_ORIGIN = 'https://bank-b.example';
const PASSPHRASE = 'benchmark passphrase';

interface Reply {
  readonly status: number;
  readonly body: string;
}

function send(agent: Agent, url: URL, method: string, token: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const ms = (value: number): number => Math.round(value * 100) / 100;

interface Measurement {
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Runs `operation` from `concurrency` loops until `done()`; returns count, rate and latency percentiles. */
async function load(concurrency: number, operation: (i: number) => Promise<void>, done: (count: number, elapsedMs: number) => boolean): Promise<Measurement> {
  const latencies: number[] = [];
  let issued = 0;
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (!done(issued, performance.now() - start)) {
      const i = issued++;
      const begin = performance.now();
      await operation(i);
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, perSecond: Math.round((latencies.length / elapsed) * 1000), p50: ms(percentile(latencies, 0.5)), p99: ms(percentile(latencies, 0.99)) };
}

interface Results {
  readonly check: Measurement;
  readonly issue: Measurement;
  readonly qualify: Measurement;
}

async function measure(backend: Backend, keyDir: string, holders: readonly TestHolder[]): Promise<Results> {
  const { store, url: storeUrl, dispose } = await createTestStore(backend);
  const bank = await registerService(store, { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'] }, 'admin:bench');
  const bankB = await registerService(store, { id: 'bank-b', displayName: 'Bank B', origins: [BANK_B_ORIGIN] }, 'admin:bench');
  await store.close();
  const ca = await startCaProcess({ KYOTSU_CA_DIR: keyDir, KYOTSU_CA_PASSPHRASE: PASSPHRASE, KYOTSU_CA_STORE: storeUrl });
  const agent = new Agent({ keepAlive: true, maxSockets: CHECK_CONCURRENCY });
  try {
    const issueUrl = new URL('/api/v1/certificates', ca.url);
    const first = await send(agent, issueUrl, 'POST', bank.apiToken, JSON.stringify({ csr: holders[0]!.csr, holder: HOLDER }));
    if (first.status !== 201) throw new Error(`issue failed: ${first.status} ${first.body}`);
    const { serial } = JSON.parse(first.body) as { serial: string };
    const checkUrl = new URL(`/api/v1/check?serial=${serial}&service=bank-a`, ca.url);
    const checkOnce = async (): Promise<void> => {
      const reply = await send(agent, checkUrl, 'GET', bank.apiToken);
      if (reply.status !== 200 || reply.body !== '{"result":"OK"}') throw new Error(`check answered ${reply.status} ${reply.body}`);
    };
    await load(CHECK_CONCURRENCY, checkOnce, (_count, elapsed) => elapsed >= CHECK_WARM_UP_MS);
    const check = await load(CHECK_CONCURRENCY, checkOnce, (_count, elapsed) => elapsed >= CHECK_MS);
    const issued: { serial: string; certificate: string }[] = [];
    const issue = await load(
      ISSUE_CONCURRENCY,
      async (i) => {
        const reply = await send(agent, issueUrl, 'POST', bank.apiToken, JSON.stringify({ csr: holders[1 + i]!.csr, holder: HOLDER }));
        if (reply.status !== 201) throw new Error(`issue answered ${reply.status} ${reply.body}`);
        issued[i] = JSON.parse(reply.body) as { serial: string; certificate: string };
      },
      (count) => count >= ISSUE_COUNT,
    );
    // Each holder's card login at Bank B, signed before timing starts.
    const proofs: { serial: string; holderProof: HolderProof }[] = await Promise.all(
      issued.map(async (certificate, i) => ({ serial: certificate.serial, holderProof: await loginProof(issuedHolder(holders[1 + i]!, certificate), BANK_B_ORIGIN) })),
    );
    const qualify = await load(
      QUALIFY_CONCURRENCY,
      async (i) => {
        const { serial: qualified, holderProof } = proofs[i]!;
        const reply = await send(agent, new URL(`/api/v1/certificates/${qualified}/services/bank-b`, ca.url), 'PUT', bankB.apiToken, JSON.stringify({ holderProof }));
        if (reply.status !== 200 || !reply.body.includes('"changed":true')) throw new Error(`qualify answered ${reply.status} ${reply.body}`);
      },
      (count) => count >= proofs.length,
    );
    return { check, issue, qualify };
  } finally {
    agent.destroy();
    await ca.stop();
    await dispose();
  }
}

/** Runs the CA benchmark. */
export async function run(): Promise<BenchTable[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kyotsu-bench-ca-'));
  try {
    await initKeyStore(join(dir, 'keys'), PASSPHRASE, { curve: 'P-384' });
    const holders = await Promise.all(Array.from({ length: ISSUE_COUNT + 1 }, () => newHolder()));
    const results: [Backend, Results][] = [];
    const loadBefore = loadavg()[0]!;
    for (const backend of BACKENDS) results.push([backend, await measure(backend, join(dir, 'keys'), holders)]);
    const machineLoad = `1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after the run: other work on the machine lowers these figures.`;
    const label = (backend: Backend): string => (backend === 'sqlite' ? 'SQLite (WAL, synchronous=FULL)' : 'PostgreSQL (pool of 10)');
    return [
      {
        title: `CA check: GET /api/v1/check, ${CHECK_CONCURRENCY} in flight, keep-alive, ${CHECK_MS / 1000} s`,
        columns: ['store', 'requests', 'requests/s', 'p50 ms', 'p99 ms'],
        rows: results.map(([backend, { check }]) => [label(backend), check.count, check.perSecond, check.p50, check.p99]),
        notes: [
          'Each check authenticates the bearer token (SHA-256 + constant-time compare) and reads status, validity and listing in one query.',
          'CA in its own process, load generator in this one; both share the machine.',
          machineLoad,
        ],
      },
      {
        title: `CA issue: POST /api/v1/certificates, ${ISSUE_CONCURRENCY} in flight, ${ISSUE_COUNT} certificates (P-384 CA key, P-256 CSRs)`,
        columns: ['store', 'certificates', 'certificates/s', 'p50 ms', 'p99 ms'],
        rows: results.map(([backend, { issue }]) => [label(backend), issue.count, issue.perSecond, issue.p50, issue.p99]),
        notes: [
          'Per certificate: CSR signature verification, ECDSA P-384 signing, one durable transaction (certificate, service list, audit).',
          machineLoad,
        ],
      },
      {
        title: `CA qualify: PUT /api/v1/certificates/:serial/services/bank-b with a holder proof, ${QUALIFY_CONCURRENCY} in flight, ${ISSUE_COUNT} certificates`,
        columns: ['store', 'qualifies', 'qualifies/s', 'p50 ms', 'p99 ms'],
        rows: results.map(([backend, { qualify }]) => [label(backend), qualify.count, qualify.perSecond, qualify.p50, qualify.p99]),
        notes: [
          'Per call: read the certificate and the service, compare the token’s certificate with the issued DER, verify the web-eid:1.0 token (ES256, P-256 holder key) with server/rp’s verifier for Bank B’s origin (path to the P-384 CA, then the signature), then one durable transaction (service list, audit). Every call adds Bank B (changed: true).',
          'The tokens were signed before the clock started: signing is the card’s work, not the CA’s.',
          machineLoad,
        ],
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
