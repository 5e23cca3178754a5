import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCardQueue } from './card-queue.js';
import { createMemoryReaderLock } from './reader-lock.js';

/** A task the test finishes by hand, recording when it started and ended on the "card". */
function gate(log: string[], name: string) {
  let open!: (value: string) => void;
  const done = new Promise<string>((resolve) => (open = resolve));
  let signal: AbortSignal | undefined;
  return {
    task: async (s: AbortSignal) => {
      signal = s;
      log.push(`start ${name}`);
      const value = await done;
      log.push(`end ${name}`);
      return value;
    },
    finish: (value = name) => open(value),
    get signal() {
      return signal;
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('card queue (in-memory lock)', () => {
  it('runs operations one at a time, first in first out, and tells only the waiting callers', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const log: string[] = [];
    const waited: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const signal = new AbortController().signal;
    const results = [a, b, c].map((g, i) => queue.run({ signal, task: g.task, onWait: () => waited.push('abc'[i]!) }));
    await tick();
    assert.deepEqual(log, ['start a']);
    assert.deepEqual(waited, ['b', 'c']);
    a.finish();
    await tick();
    b.finish();
    await tick();
    c.finish();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.equal(queue.inFlight, 0);
  });

  it('joins a second caller with the same key to the operation in flight instead of repeating it', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const log: string[] = [];
    const login = gate(log, 'login');
    const signal = new AbortController().signal;
    const first = queue.run({ joinKey: 'authenticate https://bank.example', signal, task: login.task });
    const second = queue.run({ joinKey: 'authenticate https://bank.example', signal, task: () => Promise.resolve('second ran') });
    await tick();
    login.finish('token');
    assert.deepEqual(await Promise.all([first, second]), ['token', 'token']);
    assert.deepEqual(log, ['start login', 'end login']);
    // Once settled, the same key starts a fresh operation.
    assert.equal(await queue.run({ joinKey: 'authenticate https://bank.example', signal, task: () => Promise.resolve('fresh') }), 'fresh');
  });

  it('lets a caller whose tab closed leave the queue; the operation never runs and the next one does', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const tabB = new AbortController();
    const free = new AbortController().signal;
    const ra = queue.run({ signal: free, task: a.task });
    const rb = queue.run({ signal: tabB.signal, task: b.task });
    const rc = queue.run({ signal: free, task: c.task });
    await tick();
    tabB.abort();
    await assert.rejects(rb, { code: 'OPERATION_ABORTED' });
    a.finish();
    await tick();
    c.finish();
    assert.deepEqual(await Promise.all([ra, rc]), ['a', 'c']);
    assert.deepEqual(log, ['start a', 'end a', 'start c', 'end c']);
  });

  it('keeps a joined operation going while one caller remains, and aborts it when the last one leaves', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const log: string[] = [];
    const op = gate(log, 'op');
    const tab1 = new AbortController();
    const tab2 = new AbortController();
    const r1 = queue.run({ joinKey: 'k', signal: tab1.signal, task: op.task });
    const r2 = queue.run({ joinKey: 'k', signal: tab2.signal, task: op.task });
    await tick();
    tab1.abort();
    await assert.rejects(r1, { code: 'OPERATION_ABORTED' });
    assert.equal(op.signal?.aborted, false);
    tab2.abort();
    await assert.rejects(r2, { code: 'OPERATION_ABORTED' });
    assert.equal(op.signal?.aborted, true, 'the running task is told that nobody waits for it any more');
    op.finish();
  });

  it('refuses a caller whose signal is already aborted without touching the card', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const closed = new AbortController();
    closed.abort();
    let ran = false;
    await assert.rejects(queue.run({ signal: closed.signal, task: () => Promise.resolve((ran = true)) }), { code: 'OPERATION_ABORTED' });
    assert.equal(ran, false);
  });

  it('releases the reader when an operation fails, so the next one runs', async () => {
    const queue = createCardQueue(createMemoryReaderLock());
    const signal = new AbortController().signal;
    const failing = queue.run({ signal, task: () => Promise.reject(new Error('card removed')) });
    const next = queue.run({ signal, task: () => Promise.resolve('next') });
    await assert.rejects(failing, /card removed/);
    assert.equal(await next, 'next');
  });
});
