/**
 * Schema 1 → 2 on both stores: a store written before `service_origins` and `holder_proofs` existed is
 * upgraded in place on open — its services' origins claimed, so a later registration of one is refused —
 * and a store whose services already share an origin is refused (with nothing changed) rather than
 * silently keeping two services that accept each other's logins as holder proof.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { KyotsuError } from '../../../src/errors.js';
import { registerService } from '../service-registry.js';
import { BACKENDS, type Backend, createTestStore } from '../testing/fixture.js';
import { openStore } from './open-store.js';

/** Runs raw SQL on the store's database (what an older CA version would have left behind). */
async function raw(backend: Backend, url: string, statements: readonly string[]): Promise<unknown[]> {
  if (backend === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length));
    try {
      return statements.map((sql) => (/^\s*select/i.test(sql) ? db.prepare(sql).all() : db.prepare(sql).run()));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const results: unknown[] = [];
    for (const sql of statements) results.push((await client.query(sql)).rows);
    return results;
  } finally {
    await client.end();
  }
}

/** Turns a schema-2 store back into what schema 1 looked like. */
const DOWNGRADE = ['DROP TABLE holder_proofs', 'DROP TABLE service_origins', 'UPDATE schema_version SET version = 1'];
const VERSION = 'SELECT version FROM schema_version';

for (const backend of BACKENDS) {
  describe(`store schema 1 → 2 (${backend})`, () => {
    it('claims the existing services’ origins on upgrade, and refuses a store where two services share one', async () => {
      const { store, url, dispose } = await createTestStore(backend);
      try {
        await registerService(store, { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example', 'https://www.bank-a.example'] }, 'admin:test');
        await store.close();
        await raw(backend, url, DOWNGRADE);

        const upgraded = await openStore(url);
        try {
          assert.deepEqual((await raw(backend, url, [VERSION]))[0], [{ version: 2 }]);
          await assert.rejects(
            registerService(upgraded, { id: 'bank-z', displayName: 'Bank Z', origins: ['https://www.bank-a.example'] }, 'admin:test'),
            (error: unknown) => error instanceof KyotsuError && error.code === 'SERVICE_ORIGIN_TAKEN' && error.details?.service === 'bank-a',
          );
          await registerService(upgraded, { id: 'bank-b', displayName: 'Bank B', origins: ['https://bank-b.example'] }, 'admin:test');
        } finally {
          await upgraded.close();
        }

        // A schema-1 store in which a second service was registered at bank-a's origin.
        await raw(backend, url, [
          ...DOWNGRADE,
          `INSERT INTO services (id, display_name, origins, portal, webhook_url, webhook_secret, token_id, token_hash, created_at)
           SELECT 'copycat', 'Copycat', origins, portal, NULL, webhook_secret, 'feedfeedfeedfeed', token_hash, created_at + 1 FROM services WHERE id = 'bank-a'`,
        ]);
        await assert.rejects(
          openStore(url),
          (error: unknown) => error instanceof KyotsuError && error.code === 'SERVICE_ORIGIN_TAKEN' && /copycat/.test(error.message) && error.details?.service === 'bank-a',
        );
        assert.deepEqual((await raw(backend, url, [VERSION]))[0], [{ version: 1 }], 'the refused upgrade changed nothing');
      } finally {
        await dispose();
      }
    });
  });
}
