import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openServiceDb } from './db.js';
import { formatAmount, Ledger } from './ledger.js';
import { UserStore } from './users.js';

it('a statement shows the balance and the most recent charges first, only for that holder', async () => {
  const db = openServiceDb(':memory:');
  const users = new UserStore(db);
  await users.create({ id: 'a', password: 'p', name: 'A', address: 'x', email: 'a@x' });
  await users.create({ id: 'b', password: 'p', name: 'B', address: 'x', email: 'b@x' });
  const ledger = new Ledger(db);
  ledger.seed('a', 'JPY', 1000, [
    { at: '2026-11-01', description: 'old', amountMinor: -1 },
    { at: '2026-11-20', description: 'new', amountMinor: -2 },
  ]);
  ledger.seed('b', 'JPY', 5, [{ at: '2026-11-10', description: 'b only', amountMinor: -3 }]);
  assert.deepEqual(ledger.statement('a', 1), { currency: 'JPY', balanceMinor: 1000, charges: [{ at: '2026-11-20', description: 'new', amountMinor: -2 }] });
  assert.equal(ledger.statement('nobody'), null);
  assert.equal(formatAmount('JPY', -42800), '−¥42,800');
  assert.equal(formatAmount('PTS', 12400), '12,400 pt');
});
