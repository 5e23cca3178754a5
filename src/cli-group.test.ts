import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { UsageError } from './cli-errors.js';
import { runCommandGroup, type CommandGroup } from './cli-group.js';
import { KyotsuError } from './errors.js';

class SetupError extends Error {}

function group(run: (args: readonly string[]) => Promise<number>): CommandGroup {
  return { name: 'demo', usage: 'usage: kyotsu demo go', commands: { go: run }, isReportedError: (e): e is SetupError => e instanceof SetupError };
}

/** Runs with console.log/error captured. */
async function exitOf(g: CommandGroup, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = mock.method(console, 'log', (text: string) => void out.push(text));
  const error = mock.method(console, 'error', (text: string) => void err.push(text));
  try {
    return { code: await runCommandGroup(g, args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}

describe('kyotsu command groups', () => {
  it('runs the command with the arguments after it and returns its exit code', async () => {
    const seen: (readonly string[])[] = [];
    const result = await exitOf(group((args) => (seen.push(args), Promise.resolve(3))), ['go', '--x', 'y']);
    assert.equal(result.code, 3);
    assert.deepEqual(seen, [['--x', 'y']]);
  });

  it('shows the usage: exit 0 when asked for, 2 when no command was given', async () => {
    for (const word of ['help', '--help', '-h']) assert.deepEqual(await exitOf(group(() => Promise.resolve(0)), [word]), { code: 0, out: 'usage: kyotsu demo go', err: '' });
    assert.equal((await exitOf(group(() => Promise.resolve(0)), [])).code, 2);
  });

  it('an unknown command or a usage mistake prints the message and the usage, exit 2', async () => {
    const unknown = await exitOf(group(() => Promise.resolve(0)), ['toString']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^kyotsu demo: unknown command 'toString'\n\nusage: kyotsu demo go$/);
    assert.equal((await exitOf(group(() => Promise.reject(new UsageError('bad --x'))), ['go'])).code, 2);
  });

  it('typed errors and the group’s own reported errors print their message, exit 1; anything else propagates', async () => {
    const typed = await exitOf(group(() => Promise.reject(new KyotsuError('PIN_BLOCKED', 'the PIN is blocked'))), ['go']);
    assert.deepEqual([typed.code, typed.err], [1, 'kyotsu demo: the PIN is blocked [PIN_BLOCKED]']);
    const reported = await exitOf(group(() => Promise.reject(new SetupError('no such directory'))), ['go']);
    assert.deepEqual([reported.code, reported.err], [1, 'kyotsu demo: no such directory']);
    await assert.rejects(exitOf(group(() => Promise.reject(new TypeError('a bug'))), ['go']), TypeError);
  });
});
