import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toAuditEntry, toCertificate, toService } from './rows.js';

const service = { id: 'bank-a', display_name: 'Bank A', webhook_url: null, webhook_secret: 'whsec_x', token_id: '0123456789abcdef', token_hash: Buffer.from([1, 2]) };

it('maps a services row the same from SQLite and PostgreSQL value types', () => {
  const fromSqlite = toService({ ...service, origins: '["https://bank-a.example"]', portal: 1, created_at: 1_700_000_000_123 });
  const fromPostgres = toService({ ...service, origins: ['https://bank-a.example'], portal: true, created_at: '1700000000123' });
  assert.deepEqual(fromSqlite, fromPostgres);
  assert.deepEqual(fromSqlite.origins, ['https://bank-a.example']);
  assert.equal(fromSqlite.portal, true);
  assert.equal(fromSqlite.createdAt.toISOString(), '2023-11-14T22:13:20.123Z');
  assert.equal(toService({ ...service, origins: [], portal: 0, created_at: 0 }).portal, false);
});

it('maps certificate times (BIGINT as text too) and keeps a null invalidation null', () => {
  const row = { serial: '4f', holder_name: 'H', holder_address: 'A', holder_email: 'e', status: 'valid' as const, invalidation_reason: null, issued_by: 'bank-a', der: Buffer.from([0x30, 0x00]) };
  const record = toCertificate({ ...row, issued_at: '1000', not_before: 2000, not_after: '3000', invalidated_at: null });
  assert.deepEqual([record.issuedAt.getTime(), record.notBefore.getTime(), record.notAfter.getTime(), record.invalidatedAt], [1000, 2000, 3000, null]);
  assert.ok(record.der instanceof Uint8Array && !Buffer.isBuffer(record.der));
});

it('parses audit JSON text from SQLite but never re-parses a JSONB string from PostgreSQL', () => {
  const row = { id: '7', at: 5, actor: 'service:bank-a' as const, action: 'certificate.issue', serial: null };
  assert.deepEqual(toAuditEntry({ ...row, before: null, after: '{"services":["bank-a"]}' }, true).after, { services: ['bank-a'] });
  assert.equal(toAuditEntry({ ...row, before: '"42"', after: null }, false).before, '"42"');
  assert.equal(toAuditEntry({ ...row, before: null, after: null }, false).id, 7);
});
