/** A demo service started on its own for tests: Bank A's configuration, no CA, an in-memory database by default. */
import { CATALOG } from '../catalog.js';
import { type RunningService, startService, type StartOptions } from '../service.js';

/** Starts Bank A alone (password and passkey only); `options` override the database path, clock, sweep interval… */
export function startStandaloneBank(options: Partial<Omit<StartOptions, 'config'>> = {}): Promise<RunningService> {
  const config = CATALOG.find((entry) => entry.config.id === 'bank-a')!.config;
  return startService({ dbPath: ':memory:', ...options, config });
}
