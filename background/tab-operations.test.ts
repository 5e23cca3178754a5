import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TabOperations } from './tab-operations.js';

function operations() {
  let n = 0;
  return new TabOperations(() => (++n).toString(16).padStart(32, '0'));
}

describe('tab operations', () => {
  it('a closed tab abandons all and only its own operations', () => {
    const ops = operations();
    const a1 = ops.begin(1);
    const a2 = ops.begin(1);
    const b = ops.begin(2);
    ops.tabRemoved(1);
    assert.deepEqual([a1.signal.aborted, a2.signal.aborted, b.signal.aborted], [true, true, false]);
    assert.equal(ops.size, 1);
  });

  it('a tab can cancel one of its operations by id, but never another tab’s', () => {
    const ops = operations();
    const mine = ops.begin(1);
    const theirs = ops.begin(2);
    assert.equal(ops.cancel(1, theirs.id), 0);
    assert.equal(theirs.signal.aborted, false);
    assert.equal(ops.cancel(1, mine.id), 1);
    assert.equal(mine.signal.aborted, true);
  });

  it('a finished operation is forgotten and can no longer be cancelled', () => {
    const ops = operations();
    const op = ops.begin(1);
    op.end();
    assert.equal(ops.cancel(1, null), 0);
    assert.equal(op.signal.aborted, false);
  });
});
