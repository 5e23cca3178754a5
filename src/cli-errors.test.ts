import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseArgs } from 'node:util';
import { isUsageError, UsageError } from './cli-errors.js';

it('counts our UsageError and every parseArgs refusal as a usage mistake, and nothing else', () => {
  assert.equal(isUsageError(new UsageError('--port must be a number')), true);
  for (const args of [['--nope'], ['stray'], ['--port']]) {
    let caught: unknown;
    try {
      parseArgs({ args, options: { port: { type: 'string' } }, allowPositionals: false });
    } catch (error) {
      caught = error;
    }
    assert.equal(isUsageError(caught), true, args.join(' '));
  }
  assert.equal(isUsageError(new TypeError('bug')), false);
  assert.equal(isUsageError('text'), false);
});
