/** What every `kyotsu` command group shares about wrong command lines (exit code 2, usage shown). */

/** A command line that cannot be carried out as written: the group prints its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True for a usage mistake: our `UsageError` or any `node:util` parseArgs refusal (`ERR_PARSE_ARGS_*`). */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
