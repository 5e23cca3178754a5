/**
 * Test fixture: a running CA on SQLite (temp file) or PostgreSQL (temp database) with registered
 * services, plus a small JSON client. Keys are generated once per process (P-256, to keep tests quick).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64 } from '../../../src/bytes.js';
import { buildCsr, generateEcKeyPair } from '../../../src/pki/csr-builder.js';
import { generateCaKeys, type CaKeys } from '../keys/key-store.js';
import type { ServiceCredentials, ServiceRegistration } from '../service-registry.js';
import { startCa, type RunningCa, type StartCaOptions } from '../start.js';
import { openStore } from '../store/open-store.js';
import type { CaStore } from '../store/types.js';
import { type IssuedTestHolder, issuedHolder, loginProof, newHolder } from './holder.js';
import { createTestDatabase } from './postgres.js';

/** The two store backends every CA behaviour is tested on. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

let keysPromise: Promise<CaKeys> | undefined;

/** CA keys shared by the tests of one process. */
export function testKeys(): Promise<CaKeys> {
  keysPromise ??= generateCaKeys({ curve: 'P-256', commonName: 'kyotsu Test CA' }).then((generated) => generated.keys);
  return keysPromise;
}

/** A fresh, migrated store and how to dispose of it. */
export async function createTestStore(backend: Backend): Promise<{ store: CaStore; url: string; dispose: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'kyotsu-ca-'));
    const url = `sqlite:${join(dir, 'ca.sqlite')}`;
    return { store: await openStore(url), url, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const database = await createTestDatabase();
  return { store: await openStore(database.url), url: database.url, dispose: () => database.drop() };
}

/** A running test CA. */
export interface TestCa {
  readonly ca: RunningCa;
  readonly store: CaStore;
  readonly credentials: Readonly<Record<string, ServiceCredentials>>;
  /** Calls the API as `serviceId` (or with a raw token). */
  api(as: string | { token: string | null }, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** The real qualify call: `serviceId` adds itself with a fresh login the holder signed for its first origin. */
  qualify(serviceId: string, holder: IssuedTestHolder): Promise<ApiResponse>;
  /** The registered origins of each service. */
  readonly origins: Readonly<Record<string, readonly string[]>>;
  close(): Promise<void>;
}

/** A JSON API response. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Default services: two banks, a portal with a webhook-less registration. */
export const DEFAULT_SERVICES: readonly ServiceRegistration[] = [
  { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'] },
  { id: 'bank-b', displayName: 'Bank B', origins: ['https://bank-b.example'] },
  { id: 'portal', displayName: 'Membership Portal', origins: ['https://portal.example'], portal: true },
];

/** Starts a CA on `backend` with `services` registered. */
export async function startTestCa(
  backend: Backend,
  options: { services?: readonly ServiceRegistration[] } & Partial<Omit<StartCaOptions, 'store' | 'keys'>> = {},
): Promise<TestCa> {
  const { store, dispose } = await createTestStore(backend);
  const ca = await startCa({ ...options, store, keys: await testKeys() });
  const credentials: Record<string, ServiceCredentials> = {};
  const origins: Record<string, readonly string[]> = {};
  for (const service of options.services ?? DEFAULT_SERVICES) {
    credentials[service.id] = await ca.registerService(service);
    origins[service.id] = service.origins;
  }
  const test: TestCa = {
    ca,
    store,
    credentials,
    origins,
    async qualify(serviceId, holder) {
      const holderProof = await loginProof(holder, origins[serviceId]![0]!);
      return test.api(serviceId, 'PUT', `/api/v1/certificates/${holder.serial}/services/${serviceId}`, { holderProof });
    },
    async api(as, method, path, body, headers = {}) {
      const token = typeof as === 'string' ? credentials[as]!.apiToken : as.token;
      const response = await fetch(`${ca.url}${path}`, {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? (JSON.parse(text) as unknown) : undefined;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await ca.close();
      await store.close();
      await dispose();
    },
  };
  return test;
}

/** Base64 DER of a fresh CSR for a software key (P-256 unless given). */
export async function newCsr(curve: 'P-256' | 'P-384' = 'P-256'): Promise<string> {
  return toBase64(await buildCsr({ keyPair: await generateEcKeyPair(curve), commonName: 'ignored' }));
}

/** A holder for issue requests. */
export const HOLDER = { name: 'Hanako Yamada', address: '1-1 Chiyoda, Chiyoda-ku, Tokyo', email: 'hanako@example.jp' } as const;

/**
 * Issues a certificate for a fresh software holder through the API as `serviceId`; returns its serial and
 * base64 DER, and the holder (key and certificate) to sign qualify proofs with.
 */
export async function issueVia(test: TestCa, serviceId: string): Promise<IssuedTestHolder & { certificate: string }> {
  const holder = await newHolder();
  const response = await test.api(serviceId, 'POST', '/api/v1/certificates', { csr: holder.csr, holder: HOLDER });
  if (response.status !== 201) throw new Error(`issue failed: ${response.status} ${JSON.stringify(response.body)}`);
  const issued = response.body as { serial: string; certificate: string };
  return { ...issuedHolder(holder, issued), certificate: issued.certificate };
}
