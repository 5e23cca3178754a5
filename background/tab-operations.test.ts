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

  it('a top-frame navigation abandons the operations of the document the tab left, not those of the new one (Chrome: documentId)', () => {
    const ops = operations();
    const old = ops.begin(1, { documentId: 'doc-old', receivedAt: 100 });
    const other = ops.begin(2, { documentId: 'doc-x', receivedAt: 100 });
    // The reloaded page's own request reached the background before the commit event did.
    const fresh = ops.begin(1, { documentId: 'doc-new', receivedAt: 90 });
    assert.equal(ops.tabNavigated(1, { documentId: 'doc-new', committedAt: 95 }), 1);
    assert.deepEqual([old.signal.aborted, fresh.signal.aborted, other.signal.aborted], [true, false, false]);
    // A request the left page sent before it went, handled only now, starts abandoned.
    const late = ops.begin(1, { documentId: 'doc-old', receivedAt: 200 });
    assert.equal(late.signal.aborted, true);
    assert.equal(ops.begin(1, { documentId: 'doc-new', receivedAt: 200 }).signal.aborted, false);
  });

  it('without document ids (Firefox), a request that arrived before the commit belongs to the left page', () => {
    const ops = operations();
    const old = ops.begin(1, { documentId: null, receivedAt: 999 });
    const fresh = ops.begin(1, { documentId: null, receivedAt: 1_000 }); // the commit's own millisecond: the new page's
    assert.equal(ops.tabNavigated(1, { documentId: null, committedAt: 1_000.6 }), 1);
    assert.deepEqual([old.signal.aborted, fresh.signal.aborted], [true, false]);
    assert.equal(ops.begin(1, { documentId: null, receivedAt: 999 }).signal.aborted, true, 'received before the commit: the page is gone');
    ops.tabRemoved(1);
    assert.equal(fresh.signal.aborted, true);
    assert.equal(ops.begin(1, { documentId: null, receivedAt: 999 }).signal.aborted, false, 'a closed tab forgets its commits');
  });

  it('a finished operation is forgotten and can no longer be cancelled', () => {
    const ops = operations();
    const op = ops.begin(1);
    op.end();
    assert.equal(ops.cancel(1, null), 0);
    assert.equal(op.signal.aborted, false);
  });
});
