/**
 * TEST BUILD ONLY (`KYOTSU_TEST_BUILD`): main.ts reaches this module only from branches esbuild deletes in
 * release builds. It lets the statement benchmark (bench/statement.ts) compare the batch login with its
 * baseline in the same run: `globalThis.kyotsuTestStatement.setLoginMode('single')` makes the statement page
 * log in to each service with its own card signature, one after another, as K separate logins would.
 */
import { type Caller } from './card-job.js';
import { type ServiceLogin, type ServiceToken } from './op-batch-authenticate.js';

/** Signs logins: all at once (batch) or one at a time. */
export type LoginMany = (caller: Caller, logins: readonly ServiceLogin[]) => Promise<ServiceToken[]>;

/** How the statement page logs in. */
export type StatementLoginMode = 'batch' | 'single';

/** What the benchmark can call in the background of a test build. */
export interface StatementTestHooks {
  setLoginMode(mode: StatementLoginMode): void;
}

/** Wraps `login` with the switchable mode and installs `globalThis.kyotsuTestStatement`. */
export function installStatementTestHooks(login: LoginMany): LoginMany {
  let mode: StatementLoginMode = 'batch';
  const hooks: StatementTestHooks = {
    setLoginMode: (next) => {
      mode = next;
    },
  };
  (globalThis as { kyotsuTestStatement?: StatementTestHooks }).kyotsuTestStatement = hooks;
  return async (caller, logins) => {
    if (mode === 'batch') return login(caller, logins);
    const tokens: ServiceToken[] = [];
    for (const one of logins) tokens.push(...(await login(caller, [one]))); // one card job and one signature each
    return tokens;
  };
}
