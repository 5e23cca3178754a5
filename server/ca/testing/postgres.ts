/**
 * Throwaway PostgreSQL databases for tests and benchmarks: each caller gets its own uniquely named
 * database and drops it afterwards. A missing server is an error with a clear message, never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database tests connect to; override with KYOTSU_TEST_POSTGRES_URL. */
export const POSTGRES_ADMIN_URL = process.env.KYOTSU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A created database: its URL and how to drop it. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for this test but is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). ` +
        'Start it (.ci/run does: pg_ctlcluster <version> main start) or set KYOTSU_TEST_POSTGRES_URL.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `<prefix>_<pid>_<random>`. */
export async function createTestDatabase(prefix = 'kyotsu_ca_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
