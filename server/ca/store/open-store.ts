/** Opens a store from a URL: `postgres://…` / `postgresql://…` for PostgreSQL, `sqlite:PATH` or a plain path for SQLite. */
import { CaServerError, CaServerErrorCode } from '../errors.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { CaStore } from './types.js';

/** Opens and migrates the store named by `url`. */
export async function openStore(url: string): Promise<CaStore> {
  let store: CaStore;
  if (/^postgres(?:ql)?:\/\//.test(url)) store = new PostgresStore({ connectionString: url });
  else if (url.startsWith('sqlite:')) store = new SqliteStore(url.slice('sqlite:'.length));
  else if (url.length > 0 && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) store = new SqliteStore(url);
  else throw new CaServerError(CaServerErrorCode.CA_STORE_URL_INVALID, `unsupported store URL '${url.replace(/\/\/[^@/]*@/, '//…@')}'`);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
