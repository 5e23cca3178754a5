/**
 * PostgreSQL going away: dropped connections are replaced without a restart of the CA, and while the
 * database is unreachable callers get 503 STORE_UNAVAILABLE (nothing written), not a crash or a 500.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { KyotsuError } from '../../../src/errors.js';
import { startCa } from '../start.js';
import { testKeys } from '../testing/fixture.js';
import { createTestDatabase } from '../testing/postgres.js';
import { PostgresStore } from './postgres-store.js';

describe('PostgreSQL outages', () => {
  it('recovers when the server drops every connection (as on a restart)', async () => {
    const database = await createTestDatabase();
    const idleErrors: Error[] = [];
    const store = new PostgresStore({ connectionString: database.url, onIdleError: (error) => idleErrors.push(error) });
    try {
      await store.migrate();
      assert.deepEqual(await store.checkFacts('7f', 'bank-a'), { certificate: null, listed: false });
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      } finally {
        await admin.end();
      }
      const deadline = Date.now() + 5000;
      while (idleErrors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(idleErrors.length > 0, 'the pool noticed its connections were terminated');
      assert.deepEqual(await store.checkFacts('7f', 'bank-a'), { certificate: null, listed: false }, 'the next call works on a new connection');
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('answers 503 STORE_UNAVAILABLE while the database cannot be reached', async () => {
    const store = new PostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', onIdleError: () => undefined });
    await assert.rejects(store.checkFacts('7f', 'x'), (error: unknown) => error instanceof KyotsuError && error.code === 'CA_STORE_UNAVAILABLE');
    const logged: unknown[] = [];
    const ca = await startCa({ store, keys: await testKeys(), webhooks: false, logError: (error) => logged.push(error) });
    try {
      const response = await fetch(`${ca.url}/api/v1/check?serial=7f&service=x`, { headers: { authorization: `Bearer kyotsu_${'0'.repeat(16)}_${'A'.repeat(43)}` } });
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { error: { code: 'STORE_UNAVAILABLE', message: 'the CA store is unavailable; retry later' } });
      assert.equal(logged.length, 1, 'the operator sees the cause in the log');
    } finally {
      await ca.close();
      await store.close();
    }
  });
});
