/**
 * The statement page's pure parts (the DOM filling is covered in e2e/statement-chromium.test.ts): amounts
 * formatted as the services format them, and only our own background's region messages for THIS gathering
 * accepted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAmount, statementRegionOf } from './statement.js';

const GATHER = 'a'.repeat(32);

describe('statement page, page side', () => {
  it('formats yen without decimals, dollars with cents, points as a number and the unit', () => {
    assert.equal(formatAmount('JPY', 1250000), '¥1,250,000');
    assert.equal(formatAmount('JPY', -500), '-¥500');
    assert.equal(formatAmount('USD', 12345), '$123.45');
    assert.equal(formatAmount('pt', 12400), '12,400 pt');
  });

  it('accepts a region result only for its own gathering and only in a known shape', () => {
    const ok = { type: 'statementRegion', gatherId: GATHER, result: { serviceId: 'bank-a', state: 'failed', code: 'SERVICE_UNREACHABLE', message: 'Bank A did not answer.' } };
    assert.deepEqual(statementRegionOf(ok, GATHER), ok.result);
    assert.equal(statementRegionOf({ ...ok, gatherId: 'b'.repeat(32) }, GATHER), null, 'another page’s gathering');
    assert.equal(statementRegionOf({ ...ok, type: 'notice' }, GATHER), null);
    assert.equal(statementRegionOf({ ...ok, result: { serviceId: 'bank-a', state: 'ok' } }, GATHER), null, 'ok without a statement');
    assert.equal(statementRegionOf({ ...ok, result: { serviceId: 'bank-a', state: 'hacked' } }, GATHER), null);
    assert.equal(statementRegionOf(null, GATHER), null);
  });
});
