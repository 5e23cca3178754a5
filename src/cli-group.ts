/**
 * The dispatch every `kyotsu <group>` command shares: pick the command, print the usage for `help` (exit 0)
 * or for no command (exit 2), and turn errors into exit codes — a usage mistake prints the message and the
 * usage (2), a typed kyotsu error its message and code (1); anything else is a bug and propagates.
 */
import { isUsageError, UsageError } from './cli-errors.js';
import { KyotsuError } from './errors.js';

/** One command group of the `kyotsu` program. */
export interface CommandGroup {
  /** The group's name as typed: `card`, `host`. */
  readonly name: string;
  readonly usage: string;
  /** Each command, given the arguments after its name; resolves with the exit code. */
  readonly commands: Readonly<Record<string, (args: readonly string[]) => Promise<number>>>;
  /** Errors of the group's own that are reported like kyotsu errors (message, exit 1), without a code. */
  readonly isReportedError?: (error: unknown) => error is Error;
}

/** Runs `args` (command first) in `group`; returns the process exit code. */
export async function runCommandGroup(group: CommandGroup, args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      console.log(group.usage);
      return command === undefined ? 2 : 0;
    }
    const handler = Object.hasOwn(group.commands, command) ? group.commands[command] : undefined;
    if (!handler) throw new UsageError(`unknown command '${command}'`);
    return await handler(rest);
  } catch (error) {
    if (isUsageError(error)) {
      console.error(`kyotsu ${group.name}: ${error.message}\n\n${group.usage}`);
      return 2;
    }
    if (group.isReportedError?.(error)) {
      console.error(`kyotsu ${group.name}: ${error.message}`);
      return 1;
    }
    if (error instanceof KyotsuError) {
      console.error(`kyotsu ${group.name}: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}
