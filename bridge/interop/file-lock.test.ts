import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireFileLock } from './file-lock.js';

describe('cross-process file lock', () => {
  it('lets one holder in at a time and the next one in after release', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyotsu-lock-'));
    try {
      const path = join(dir, 'pcsc.lock');
      const first = await acquireFileLock(path, 5000);
      const order: string[] = [];
      const second = acquireFileLock(path, 10_000).then((release) => {
        order.push('second acquired');
        return release;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('first releasing');
      await first();
      const releaseSecond = await second;
      assert.deepEqual(order, ['first releasing', 'second acquired']);
      await releaseSecond();
      await releaseSecond();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up with a clear error when the lock stays taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyotsu-lock-'));
    try {
      const path = join(dir, 'pcsc.lock');
      const held = await acquireFileLock(path, 5000);
      await assert.rejects(acquireFileLock(path, 1000), /could not take the lock .* another test run holds it/);
      await held();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
