/**
 * The fleet store: PostgreSQL through a `pg` pool. Every write is one transaction that locks the
 * certificate row (`FOR UPDATE`), so concurrent qualify/prohibit/invalidate calls on one serial — from one
 * CA instance or many — apply one after the other with exact before/after audit values.
 * Connection failures become `CA_STORE_UNAVAILABLE` (the HTTP layer answers 503; nothing was written).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CaErrorCode } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import type { RevocationReason } from '../../../src/pki/revocation-reason.js';
import { CaServerError, CaServerErrorCode } from '../errors.js';
import { AuditAction, certificateAuditValue, serviceAuditValue } from './audit-values.js';
import { originClaims, originTaken } from './origins.js';
import { type AuditRow, type CertificateRow, type Millis, type Numeric, type OutboxRow, type ServiceRow, toAuditEntry, toCertificate, toDate, toDelivery, toService } from './rows.js';
import type {
  Actor,
  AuditEntry,
  CaStore,
  CertificateRecord,
  CheckFacts,
  ClaimedDelivery,
  CrlReservation,
  CrlState,
  InvalidateOutcome,
  InvalidationBody,
  JsonValue,
  OutboxDelivery,
  ProhibitOutcome,
  QualifyOutcome,
  RevokedRecord,
  ServiceRecord,
} from './types.js';

/** 2: `service_origins` (origins unique across services) and `holder_proofs` (a proof adds a service once). */
const SCHEMA_VERSION = 2;
/** Advisory lock key held while migrating, so instances starting together do not race (an arbitrary constant). */
const MIGRATION_LOCK = 0x6b796f74;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  origins JSONB NOT NULL,
  portal BOOLEAN NOT NULL,
  webhook_url TEXT,
  webhook_secret TEXT NOT NULL,
  token_id TEXT NOT NULL UNIQUE,
  token_hash BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,
  holder_name TEXT NOT NULL,
  holder_address TEXT NOT NULL,
  holder_email TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'invalidated')),
  issued_at BIGINT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  invalidated_at BIGINT,
  invalidation_reason TEXT,
  issued_by TEXT NOT NULL REFERENCES services(id),
  der BYTEA NOT NULL,
  CHECK ((status = 'valid') = (invalidated_at IS NULL))
);
CREATE INDEX IF NOT EXISTS certificates_invalidated ON certificates(invalidated_at) WHERE status = 'invalidated';
CREATE TABLE IF NOT EXISTS available_services (
  serial TEXT NOT NULL REFERENCES certificates(serial),
  service_id TEXT NOT NULL REFERENCES services(id),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (serial, service_id)
);
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  serial TEXT,
  before JSONB,
  after JSONB
);
CREATE INDEX IF NOT EXISTS audit_log_serial ON audit_log(serial);
CREATE OR REPLACE FUNCTION kyotsu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_append_only') THEN
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION kyotsu_audit_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION kyotsu_audit_append_only();
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id),
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  delivered_at BIGINT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL;
CREATE TABLE IF NOT EXISTS crl_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL,
  last_number BIGINT NOT NULL,
  published_number BIGINT,
  published_generation BIGINT,
  published_der BYTEA,
  published_this_update BIGINT,
  published_next_update BIGINT
);
INSERT INTO crl_state (id, generation, last_number) VALUES (1, 0, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS service_origins (
  origin TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id)
);
CREATE TABLE IF NOT EXISTS holder_proofs (
  serial TEXT NOT NULL REFERENCES certificates(serial),
  service_id TEXT NOT NULL REFERENCES services(id),
  digest BYTEA NOT NULL,
  accepted_at BIGINT NOT NULL,
  PRIMARY KEY (serial, service_id, digest)
);
`;

/** SQLSTATE classes and socket errors that mean "the database is not reachable right now". */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error instanceof Error && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(error.message);
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code);
}

function mapError(error: unknown): Error {
  if (isUnavailable(error)) {
    return new CaServerError(CaServerErrorCode.CA_STORE_UNAVAILABLE, `PostgreSQL is unavailable: ${(error as Error).message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string;
  /** Pool size; default 10. */
  readonly max?: number;
  /** How long a query may wait for a pooled client before the store counts as unavailable; default 30 s. */
  readonly connectionTimeoutMs?: number;
  /** Called with errors of idle pooled connections (e.g. the server restarted); default: console.error. */
  readonly onIdleError?: (error: Error) => void;
}

/** The PostgreSQL store; call `migrate()` before use. */
export class PostgresStore implements CaStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(options: PostgresStoreOptions) {
    // A busy CA queues for a pooled client (e.g. many calls on one serial wait for its row lock); that is
    // load, not an outage, so the wait may be long. A down server still fails fast with ECONNREFUSED.
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10, connectionTimeoutMillis: options.connectionTimeoutMs ?? 30_000 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', options.onIdleError ?? ((error) => console.error(`kyotsu ca: idle PostgreSQL connection failed: ${error.message}`)));
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw mapError(error);
    }
  }

  private async tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapError(error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)); // the connection is unusable: discard it
      }
      throw mapError(error);
    } finally {
      client.release(broken);
    }
  }

  private static async audit(
    client: pg.PoolClient,
    at: Date,
    actor: Actor,
    action: string,
    serial: string | null,
    before: JsonValue | null,
    after: JsonValue | null,
  ): Promise<void> {
    await client.query('INSERT INTO audit_log (at, actor, action, serial, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      at.getTime(),
      actor,
      action,
      serial,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
    ]);
  }

  private static async services(client: pg.PoolClient, serial: string): Promise<string[]> {
    const result = await client.query<{ service_id: string }>(
      'SELECT service_id FROM available_services WHERE serial = $1 ORDER BY service_id COLLATE "C"',
      [serial],
    );
    return result.rows.map((row) => row.service_id);
  }

  async migrate(): Promise<void> {
    await this.tx(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(SCHEMA);
      const result = await client.query<{ version: number }>('SELECT version FROM schema_version');
      const row = result.rows[0];
      if (row && row.version > SCHEMA_VERSION) {
        throw new CaServerError(CaServerErrorCode.CA_STORE_SCHEMA_UNSUPPORTED, `store schema ${row.version} is newer than ${SCHEMA_VERSION}`);
      }
      if (row && row.version < 2) {
        // 1 → 2: fill service_origins from the services registered so far (refused if two share an origin).
        const services = (await client.query<ServiceRow>('SELECT * FROM services ORDER BY created_at, id COLLATE "C"')).rows.map(toService);
        for (const { owner, origin, service } of originClaims(services)) {
          if (owner !== undefined) throw originTaken(origin, owner, service);
          await client.query('INSERT INTO service_origins (origin, service_id) VALUES ($1, $2)', [origin, service]);
        }
      }
      if (!row) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION]);
      else if (row.version < SCHEMA_VERSION) await client.query('UPDATE schema_version SET version = $1', [SCHEMA_VERSION]);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async insertService(service: ServiceRecord, actor: Actor): Promise<void> {
    await this.tx(async (client) => {
      const result = await client.query(
        `INSERT INTO services (id, display_name, origins, portal, webhook_url, webhook_secret, token_id, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          service.id,
          service.displayName,
          JSON.stringify(service.origins),
          service.portal,
          service.webhookUrl,
          service.webhookSecret,
          service.tokenId,
          Buffer.from(service.tokenHash),
          service.createdAt.getTime(),
        ],
      );
      if (result.rowCount !== 1) throw new KyotsuError(CaErrorCode.SERVICE_EXISTS, `service '${service.id}' is already registered`);
      for (const origin of service.origins) {
        // A concurrent registration of the same origin waits here on the key until the first commits; then
        // the owner read below is the other service, and this one is refused.
        await client.query('INSERT INTO service_origins (origin, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [origin, service.id]);
        const owner = (await client.query<{ service_id: string }>('SELECT service_id FROM service_origins WHERE origin = $1', [origin])).rows[0]!.service_id;
        if (owner !== service.id) throw originTaken(origin, owner, service.id);
      }
      await PostgresStore.audit(client, service.createdAt, actor, AuditAction.SERVICE_REGISTER, null, null, serviceAuditValue(service));
    });
  }

  async getService(id: string): Promise<ServiceRecord | null> {
    const row = (await this.query<ServiceRow>('SELECT * FROM services WHERE id = $1', [id])).rows[0];
    return row ? toService(row) : null;
  }

  async findServiceByTokenId(tokenId: string): Promise<ServiceRecord | null> {
    const row = (await this.query<ServiceRow>('SELECT * FROM services WHERE token_id = $1', [tokenId])).rows[0];
    return row ? toService(row) : null;
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (await this.query<ServiceRow>('SELECT * FROM services ORDER BY id COLLATE "C"')).rows.map(toService);
  }

  async insertCertificate(record: CertificateRecord, actor: Actor): Promise<void> {
    await this.tx(async (client) => {
      await client.query(
        `INSERT INTO certificates (serial, holder_name, holder_address, holder_email, status, issued_at, not_before, not_after,
           invalidated_at, invalidation_reason, issued_by, der)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          record.serial,
          record.holderName,
          record.holderAddress,
          record.holderEmail,
          record.status,
          record.issuedAt.getTime(),
          record.notBefore.getTime(),
          record.notAfter.getTime(),
          record.invalidatedAt?.getTime() ?? null,
          record.invalidationReason,
          record.issuedBy,
          Buffer.from(record.der),
        ],
      );
      await client.query('INSERT INTO available_services (serial, service_id, added_at) VALUES ($1, $2, $3)', [
        record.serial,
        record.issuedBy,
        record.issuedAt.getTime(),
      ]);
      await PostgresStore.audit(client, record.issuedAt, actor, AuditAction.CERTIFICATE_ISSUE, record.serial, null, certificateAuditValue(record, [record.issuedBy]));
    });
  }

  async getCertificate(serial: string): Promise<CertificateRecord | null> {
    const row = (await this.query<CertificateRow>('SELECT * FROM certificates WHERE serial = $1', [serial])).rows[0];
    return row ? toCertificate(row) : null;
  }

  async countCertificates(): Promise<{ valid: number; invalidated: number }> {
    const rows = (await this.query<{ status: string; n: Numeric }>('SELECT status, COUNT(*) AS n FROM certificates GROUP BY status')).rows;
    const count = (status: string): number => Number(rows.find((row) => row.status === status)?.n ?? 0);
    return { valid: count('valid'), invalidated: count('invalidated') };
  }

  async qualify(serial: string, serviceId: string, actor: Actor, at: Date, proofDigest: Uint8Array): Promise<QualifyOutcome> {
    return this.tx(async (client): Promise<QualifyOutcome> => {
      // Lock the certificate row: qualify, prohibit and invalidate on one serial serialise here.
      const row = (await client.query<{ status: string }>('SELECT status FROM certificates WHERE serial = $1 FOR UPDATE', [serial])).rows[0];
      if (!row) return { kind: 'not-found' };
      if (row.status !== 'valid') return { kind: 'invalidated' };
      const before = await PostgresStore.services(client, serial);
      const recorded = await client.query(
        'INSERT INTO holder_proofs (serial, service_id, digest, accepted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [serial, serviceId, Buffer.from(proofDigest), at.getTime()],
      );
      // A proof adds the service only once; listed already, any valid proof is a no-op (recorded above).
      if (!recorded.rowCount && !before.includes(serviceId)) return { kind: 'proof-reused' };
      const inserted = await client.query(
        'INSERT INTO available_services (serial, service_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [serial, serviceId, at.getTime()],
      );
      const after = inserted.rowCount ? await PostgresStore.services(client, serial) : before;
      await PostgresStore.audit(client, at, actor, AuditAction.CERTIFICATE_QUALIFY, serial, { services: before }, { services: after });
      return { kind: inserted.rowCount ? 'added' : 'unchanged', services: after };
    });
  }

  async prohibit(serial: string, serviceId: string, actor: Actor, at: Date): Promise<ProhibitOutcome> {
    return this.tx(async (client): Promise<ProhibitOutcome> => {
      const row = (await client.query<{ status: string }>('SELECT status FROM certificates WHERE serial = $1 FOR UPDATE', [serial])).rows[0];
      if (!row) return { kind: 'not-found' };
      const before = await PostgresStore.services(client, serial);
      const removed = await client.query('DELETE FROM available_services WHERE serial = $1 AND service_id = $2', [serial, serviceId]);
      const after = removed.rowCount ? await PostgresStore.services(client, serial) : before;
      await PostgresStore.audit(client, at, actor, AuditAction.CERTIFICATE_PROHIBIT, serial, { services: before }, { services: after });
      return { kind: removed.rowCount ? 'removed' : 'unchanged', services: after };
    });
  }

  async listAvailableServices(serial: string): Promise<string[] | null> {
    const result = await this.query<{ service_id: string | null }>(
      `SELECT a.service_id FROM certificates c LEFT JOIN available_services a ON a.serial = c.serial
       WHERE c.serial = $1 ORDER BY a.service_id COLLATE "C"`,
      [serial],
    );
    if (result.rows.length === 0) return null;
    return result.rows.flatMap((row) => (row.service_id === null ? [] : [row.service_id]));
  }

  async checkFacts(serial: string, serviceId: string): Promise<CheckFacts> {
    const row = (
      await this.query<{ status: 'valid' | 'invalidated'; not_before: Millis; not_after: Millis; listed: boolean }>(
        `SELECT c.status, c.not_before, c.not_after,
                EXISTS (SELECT 1 FROM available_services a WHERE a.serial = c.serial AND a.service_id = $1) AS listed
         FROM certificates c WHERE c.serial = $2`,
        [serviceId, serial],
      )
    ).rows[0];
    if (!row) return { certificate: null, listed: false };
    return { certificate: { status: row.status, notBefore: toDate(row.not_before), notAfter: toDate(row.not_after) }, listed: row.listed };
  }

  async invalidate(serial: string, reason: RevocationReason, actor: Actor, at: Date, body: InvalidationBody): Promise<InvalidateOutcome> {
    return this.tx(async (client): Promise<InvalidateOutcome> => {
      const row = (await client.query<CertificateRow>('SELECT * FROM certificates WHERE serial = $1 FOR UPDATE', [serial])).rows[0];
      if (!row) return { kind: 'not-found' };
      const before = toCertificate(row);
      const services = await PostgresStore.services(client, serial);
      if (before.status === 'invalidated') {
        const value = certificateAuditValue(before, services);
        await PostgresStore.audit(client, at, actor, AuditAction.CERTIFICATE_INVALIDATE, serial, value, value);
        return { kind: 'already', record: before, deliveries: [] };
      }
      await client.query("UPDATE certificates SET status = 'invalidated', invalidated_at = $1, invalidation_reason = $2 WHERE serial = $3", [
        at.getTime(),
        reason,
        serial,
      ]);
      await client.query('UPDATE crl_state SET generation = generation + 1 WHERE id = 1');
      const after: CertificateRecord = { ...before, status: 'invalidated', invalidatedAt: at, invalidationReason: reason };
      const targets = (
        await client.query<{ id: string; webhook_url: string }>('SELECT id, webhook_url FROM services WHERE webhook_url IS NOT NULL ORDER BY id COLLATE "C"')
      ).rows;
      const deliveries: string[] = [];
      for (const target of targets) {
        const id = randomUUID();
        await client.query(
          'INSERT INTO webhook_outbox (id, service_id, url, body, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)',
          [id, target.id, target.webhook_url, body(id, serial, at), at.getTime()],
        );
        deliveries.push(id);
      }
      await PostgresStore.audit(
        client,
        at,
        actor,
        AuditAction.CERTIFICATE_INVALIDATE,
        serial,
        certificateAuditValue(before, services),
        certificateAuditValue(after, services),
      );
      return { kind: 'invalidated', record: after, deliveries };
    });
  }

  private static async revoked(client: pg.PoolClient | pg.Pool): Promise<RevokedRecord[]> {
    const rows = (
      await client.query<{ serial: string; invalidated_at: Millis; invalidation_reason: string }>(
        "SELECT serial, invalidated_at, invalidation_reason FROM certificates WHERE status = 'invalidated' ORDER BY invalidated_at, serial COLLATE \"C\"",
      )
    ).rows;
    return rows.map((row) => ({ serial: row.serial, invalidatedAt: toDate(row.invalidated_at), reason: row.invalidation_reason as RevocationReason }));
  }

  async listRevoked(): Promise<RevokedRecord[]> {
    try {
      return await PostgresStore.revoked(this.pool);
    } catch (error) {
      throw mapError(error);
    }
  }

  async getCrlState(): Promise<CrlState> {
    const row = (
      await this.query<{
        generation: Numeric;
        last_number: Numeric;
        published_number: Numeric | null;
        published_generation: Numeric | null;
        published_der: Buffer | null;
        published_this_update: Millis | null;
        published_next_update: Millis | null;
      }>('SELECT * FROM crl_state WHERE id = 1')
    ).rows[0];
    if (!row) throw new CaServerError(CaServerErrorCode.CA_STORE_SCHEMA_UNSUPPORTED, 'crl_state row is missing: run migrate()');
    return {
      generation: Number(row.generation),
      lastNumber: Number(row.last_number),
      published:
        row.published_number === null || row.published_der === null
          ? null
          : {
              number: Number(row.published_number),
              generation: Number(row.published_generation ?? 0),
              der: new Uint8Array(row.published_der),
              thisUpdate: toDate(row.published_this_update ?? 0),
              nextUpdate: toDate(row.published_next_update ?? 0),
            },
    };
  }

  async reserveCrl(): Promise<CrlReservation> {
    return this.tx(async (client) => {
      // The row lock orders this after any invalidation in flight; the revocation read below sees it.
      const row = (
        await client.query<{ generation: Numeric; last_number: Numeric }>(
          'UPDATE crl_state SET last_number = last_number + 1 WHERE id = 1 RETURNING generation, last_number',
        )
      ).rows[0]!;
      return { number: Number(row.last_number), generation: Number(row.generation), revoked: await PostgresStore.revoked(client) };
    });
  }

  async publishCrl(crl: { number: number; generation: number; der: Uint8Array; thisUpdate: Date; nextUpdate: Date }): Promise<boolean> {
    const result = await this.query(
      `UPDATE crl_state SET published_number = $1, published_generation = $2, published_der = $3, published_this_update = $4,
         published_next_update = $5 WHERE id = 1 AND (published_number IS NULL OR published_number < $1)`,
      [crl.number, crl.generation, Buffer.from(crl.der), crl.thisUpdate.getTime(), crl.nextUpdate.getTime()],
    );
    return result.rowCount === 1;
  }

  async listAudit(filter: { serial?: string } = {}): Promise<AuditEntry[]> {
    const result =
      filter.serial === undefined
        ? await this.query<AuditRow>('SELECT * FROM audit_log ORDER BY id')
        : await this.query<AuditRow>('SELECT * FROM audit_log WHERE serial = $1 ORDER BY id', [filter.serial]);
    return result.rows.map((row) => toAuditEntry(row, false));
  }

  async claimDeliveries(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    return this.tx(async (client) => {
      const due = await client.query<OutboxRow & { webhook_secret: string }>(
        `SELECT o.*, s.webhook_secret FROM webhook_outbox o JOIN services s ON s.id = o.service_id
         WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1
         ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
        [now.getTime(), limit],
      );
      for (const row of due.rows) await client.query('UPDATE webhook_outbox SET next_attempt_at = $1 WHERE id = $2', [leaseUntil.getTime(), row.id]);
      return due.rows.map((row) => ({ ...toDelivery(row), webhookSecret: row.webhook_secret }));
    });
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.query('UPDATE webhook_outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2', [at.getTime(), id]);
  }

  async markDeliveryFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.query('UPDATE webhook_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4', [
      attempts,
      nextAttemptAt.getTime(),
      error.slice(0, 500),
      id,
    ]);
  }

  async listDeliveries(): Promise<OutboxDelivery[]> {
    return (await this.query<OutboxRow>('SELECT * FROM webhook_outbox ORDER BY created_at, id')).rows.map(toDelivery);
  }
}
