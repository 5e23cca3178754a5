/**
 * The default store: one SQLite file through better-sqlite3, in WAL mode with synchronous=FULL (an
 * acknowledged write survives a crash of the process or the machine). Each write is one `BEGIN IMMEDIATE`
 * transaction, so several CA processes may share the file; better-sqlite3 is synchronous, so within one
 * process the transactions never interleave.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { CaErrorCode } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import type { RevocationReason } from '../../../src/pki/revocation-reason.js';
import { CaServerError, CaServerErrorCode } from '../errors.js';
import { AuditAction, certificateAuditValue, serviceAuditValue } from './audit-values.js';
import { originClaims, originTaken } from './origins.js';
import { type AuditRow, type CertificateRow, type OutboxRow, type ServiceRow, toAuditEntry, toCertificate, toDelivery, toService } from './rows.js';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  origins TEXT NOT NULL,
  portal INTEGER NOT NULL CHECK (portal IN (0, 1)),
  webhook_url TEXT,
  webhook_secret TEXT NOT NULL,
  token_id TEXT NOT NULL UNIQUE,
  token_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,
  holder_name TEXT NOT NULL,
  holder_address TEXT NOT NULL,
  holder_email TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'invalidated')),
  issued_at INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  invalidated_at INTEGER,
  invalidation_reason TEXT,
  issued_by TEXT NOT NULL REFERENCES services(id),
  der BLOB NOT NULL,
  CHECK ((status = 'valid') = (invalidated_at IS NULL))
);
CREATE INDEX IF NOT EXISTS certificates_invalidated ON certificates(invalidated_at) WHERE status = 'invalidated';
CREATE TABLE IF NOT EXISTS available_services (
  serial TEXT NOT NULL REFERENCES certificates(serial),
  service_id TEXT NOT NULL REFERENCES services(id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (serial, service_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  serial TEXT,
  before TEXT,
  after TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_serial ON audit_log(serial);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id),
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL;
CREATE TABLE IF NOT EXISTS crl_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL,
  last_number INTEGER NOT NULL,
  published_number INTEGER,
  published_generation INTEGER,
  published_der BLOB,
  published_this_update INTEGER,
  published_next_update INTEGER
);
INSERT OR IGNORE INTO crl_state (id, generation, last_number) VALUES (1, 0, 0);
CREATE TABLE IF NOT EXISTS service_origins (
  origin TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holder_proofs (
  serial TEXT NOT NULL REFERENCES certificates(serial),
  service_id TEXT NOT NULL REFERENCES services(id),
  digest BLOB NOT NULL,
  accepted_at INTEGER NOT NULL,
  PRIMARY KEY (serial, service_id, digest)
) WITHOUT ROWID;
`;

function json(value: JsonValue | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** Runs synchronous store code, turning a throw into a rejected promise like the async stores. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_CANTOPEN') {
      // Another process held the write lock past busy_timeout (or the file vanished): nothing was written.
      return Promise.reject(new CaServerError(CaServerErrorCode.CA_STORE_UNAVAILABLE, `SQLite store is unavailable: ${(error as Error).message}`));
    }
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Opens (creating if needed) the SQLite store at `path`; call `migrate()` before use. */
export class SqliteStore implements CaStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  /** Prepared statements, compiled once per SQL text. */
  private readonly statements = new Map<string, Database.Statement>();

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private audit(at: Date, actor: Actor, action: string, serial: string | null, before: JsonValue | null, after: JsonValue | null): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, serial, before, after) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at.getTime(), actor, action, serial, json(before), json(after));
  }

  private services(serial: string): string[] {
    return (this.prepare('SELECT service_id FROM available_services WHERE serial = ? ORDER BY service_id').all(serial) as { service_id: string }[]).map(
      (row) => row.service_id,
    );
  }

  migrate(): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.db.exec(SCHEMA);
        const row = this.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
        if (row && row.version > SCHEMA_VERSION) throw new CaServerError(CaServerErrorCode.CA_STORE_SCHEMA_UNSUPPORTED, `store schema ${row.version} is newer than ${SCHEMA_VERSION}`);
        if (row && row.version < 2) {
          // 1 → 2: fill service_origins from the services registered so far (refused if two share an origin).
          const services = (this.prepare('SELECT * FROM services ORDER BY created_at, id').all() as ServiceRow[]).map(toService);
          for (const { owner, origin, service } of originClaims(services)) {
            if (owner !== undefined) throw originTaken(origin, owner, service);
            this.prepare('INSERT INTO service_origins (origin, service_id) VALUES (?, ?)').run(origin, service);
          }
        }
        if (!row) this.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
        else if (row.version < SCHEMA_VERSION) this.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
      }).immediate();
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }

  insertService(service: ServiceRecord, actor: Actor): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        const existing = this.prepare('SELECT 1 FROM services WHERE id = ?').get(service.id);
        if (existing) throw new KyotsuError(CaErrorCode.SERVICE_EXISTS, `service '${service.id}' is already registered`);
        for (const origin of service.origins) {
          const owner = this.prepare('SELECT service_id FROM service_origins WHERE origin = ?').get(origin) as { service_id: string } | undefined;
          if (owner) throw originTaken(origin, owner.service_id, service.id);
        }
        this.db
          .prepare(
            `INSERT INTO services (id, display_name, origins, portal, webhook_url, webhook_secret, token_id, token_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            service.id,
            service.displayName,
            JSON.stringify(service.origins),
            service.portal ? 1 : 0,
            service.webhookUrl,
            service.webhookSecret,
            service.tokenId,
            Buffer.from(service.tokenHash),
            service.createdAt.getTime(),
          );
        const claim = this.prepare('INSERT OR IGNORE INTO service_origins (origin, service_id) VALUES (?, ?)');
        for (const origin of service.origins) claim.run(origin, service.id);
        this.audit(service.createdAt, actor, AuditAction.SERVICE_REGISTER, null, null, serviceAuditValue(service));
      }).immediate();
    });
  }

  getService(id: string): Promise<ServiceRecord | null> {
    return settle(() => {
      const row = this.prepare('SELECT * FROM services WHERE id = ?').get(id) as ServiceRow | undefined;
      return row ? toService(row) : null;
    });
  }

  findServiceByTokenId(tokenId: string): Promise<ServiceRecord | null> {
    return settle(() => {
      const row = this.prepare('SELECT * FROM services WHERE token_id = ?').get(tokenId) as ServiceRow | undefined;
      return row ? toService(row) : null;
    });
  }

  listServices(): Promise<ServiceRecord[]> {
    return settle(() => {
      return (this.prepare('SELECT * FROM services ORDER BY id').all() as ServiceRow[]).map(toService);
    });
  }

  insertCertificate(record: CertificateRecord, actor: Actor): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO certificates (serial, holder_name, holder_address, holder_email, status, issued_at, not_before, not_after,
               invalidated_at, invalidation_reason, issued_by, der)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
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
          );
        this.prepare('INSERT INTO available_services (serial, service_id, added_at) VALUES (?, ?, ?)').run(record.serial, record.issuedBy, record.issuedAt.getTime());
        this.audit(record.issuedAt, actor, AuditAction.CERTIFICATE_ISSUE, record.serial, null, certificateAuditValue(record, [record.issuedBy]));
      }).immediate();
    });
  }

  getCertificate(serial: string): Promise<CertificateRecord | null> {
    return settle(() => {
      const row = this.prepare('SELECT * FROM certificates WHERE serial = ?').get(serial) as CertificateRow | undefined;
      return row ? toCertificate(row) : null;
    });
  }

  countCertificates(): Promise<{ valid: number; invalidated: number }> {
    return settle(() => {
      const rows = this.prepare('SELECT status, COUNT(*) AS n FROM certificates GROUP BY status').all() as { status: string; n: number }[];
      const count = (status: string): number => rows.find((row) => row.status === status)?.n ?? 0;
      return { valid: count('valid'), invalidated: count('invalidated') };
    });
  }

  qualify(serial: string, serviceId: string, actor: Actor, at: Date, proofDigest: Uint8Array): Promise<QualifyOutcome> {
    return settle(() => {
      const outcome = this.db.transaction((): QualifyOutcome => {
        const row = this.prepare('SELECT status FROM certificates WHERE serial = ?').get(serial) as { status: string } | undefined;
        if (!row) return { kind: 'not-found' };
        if (row.status !== 'valid') return { kind: 'invalidated' };
        const before = this.services(serial);
        const recorded = this.prepare('INSERT INTO holder_proofs (serial, service_id, digest, accepted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
          .run(serial, serviceId, Buffer.from(proofDigest), at.getTime()).changes;
        // A proof adds the service only once; listed already, any valid proof is a no-op (recorded above).
        if (!recorded && !before.includes(serviceId)) return { kind: 'proof-reused' };
        const inserted = this.db
          .prepare('INSERT INTO available_services (serial, service_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .run(serial, serviceId, at.getTime()).changes;
        const after = inserted ? this.services(serial) : before;
        this.audit(at, actor, AuditAction.CERTIFICATE_QUALIFY, serial, { services: before }, { services: after });
        return { kind: inserted ? 'added' : 'unchanged', services: after };
      }).immediate();
      return outcome;
    });
  }

  prohibit(serial: string, serviceId: string, actor: Actor, at: Date): Promise<ProhibitOutcome> {
    return settle(() => {
      const outcome = this.db.transaction((): ProhibitOutcome => {
        const row = this.prepare('SELECT status FROM certificates WHERE serial = ?').get(serial);
        if (!row) return { kind: 'not-found' };
        const before = this.services(serial);
        const removed = this.prepare('DELETE FROM available_services WHERE serial = ? AND service_id = ?').run(serial, serviceId).changes;
        const after = removed ? this.services(serial) : before;
        this.audit(at, actor, AuditAction.CERTIFICATE_PROHIBIT, serial, { services: before }, { services: after });
        return { kind: removed ? 'removed' : 'unchanged', services: after };
      }).immediate();
      return outcome;
    });
  }

  listAvailableServices(serial: string): Promise<string[] | null> {
    return settle(() => {
      const result = this.db.transaction(() => {
        const row = this.prepare('SELECT 1 FROM certificates WHERE serial = ?').get(serial);
        return row ? this.services(serial) : null;
      })();
      return result;
    });
  }

  checkFacts(serial: string, serviceId: string): Promise<CheckFacts> {
    return settle(() => {
      const row = this.db
        .prepare(
          `SELECT c.status, c.not_before, c.not_after,
                  EXISTS (SELECT 1 FROM available_services a WHERE a.serial = c.serial AND a.service_id = ?) AS listed
           FROM certificates c WHERE c.serial = ?`,
        )
        .get(serviceId, serial) as { status: 'valid' | 'invalidated'; not_before: number; not_after: number; listed: number } | undefined;
      if (!row) return { certificate: null, listed: false };
      return {
        certificate: { status: row.status, notBefore: new Date(row.not_before), notAfter: new Date(row.not_after) },
        listed: row.listed === 1,
      };
    });
  }

  invalidate(serial: string, reason: RevocationReason, actor: Actor, at: Date, body: InvalidationBody): Promise<InvalidateOutcome> {
    return settle(() => {
      const outcome = this.db.transaction((): InvalidateOutcome => {
        const row = this.prepare('SELECT * FROM certificates WHERE serial = ?').get(serial) as CertificateRow | undefined;
        if (!row) return { kind: 'not-found' };
        const before = toCertificate(row);
        const services = this.services(serial);
        if (before.status === 'invalidated') {
          this.audit(at, actor, AuditAction.CERTIFICATE_INVALIDATE, serial, certificateAuditValue(before, services), certificateAuditValue(before, services));
          return { kind: 'already', record: before, deliveries: [] };
        }
        this.db
          .prepare("UPDATE certificates SET status = 'invalidated', invalidated_at = ?, invalidation_reason = ? WHERE serial = ?")
          .run(at.getTime(), reason, serial);
        this.prepare('UPDATE crl_state SET generation = generation + 1 WHERE id = 1').run();
        const after: CertificateRecord = { ...before, status: 'invalidated', invalidatedAt: at, invalidationReason: reason };
        const targets = this.prepare('SELECT id, webhook_url FROM services WHERE webhook_url IS NOT NULL ORDER BY id').all() as {
          id: string;
          webhook_url: string;
        }[];
        const insert = this.prepare(
          'INSERT INTO webhook_outbox (id, service_id, url, body, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?)',
        );
        const deliveries: string[] = [];
        for (const target of targets) {
          const id = randomUUID();
          insert.run(id, target.id, target.webhook_url, body(id, serial, at), at.getTime(), at.getTime());
          deliveries.push(id);
        }
        this.audit(at, actor, AuditAction.CERTIFICATE_INVALIDATE, serial, certificateAuditValue(before, services), certificateAuditValue(after, services));
        return { kind: 'invalidated', record: after, deliveries };
      }).immediate();
      return outcome;
    });
  }

  listRevoked(): Promise<RevokedRecord[]> {
    return settle(() => {
      return this.revoked();
    });
  }

  private revoked(): RevokedRecord[] {
    const rows = this.db
      .prepare("SELECT serial, invalidated_at, invalidation_reason FROM certificates WHERE status = 'invalidated' ORDER BY invalidated_at, serial")
      .all() as { serial: string; invalidated_at: number; invalidation_reason: string }[];
    return rows.map((row) => ({ serial: row.serial, invalidatedAt: new Date(row.invalidated_at), reason: row.invalidation_reason as RevocationReason }));
  }

  getCrlState(): Promise<CrlState> {
    return settle(() => {
      const row = this.prepare('SELECT * FROM crl_state WHERE id = 1').get() as {
        generation: number;
        last_number: number;
        published_number: number | null;
        published_generation: number | null;
        published_der: Buffer | null;
        published_this_update: number | null;
        published_next_update: number | null;
      };
      return {
        generation: row.generation,
        lastNumber: row.last_number,
        published:
          row.published_number === null || row.published_der === null
            ? null
            : {
                number: row.published_number,
                generation: row.published_generation ?? 0,
                der: new Uint8Array(row.published_der),
                thisUpdate: new Date(row.published_this_update ?? 0),
                nextUpdate: new Date(row.published_next_update ?? 0),
              },
      };
    });
  }

  reserveCrl(): Promise<CrlReservation> {
    return settle(() => {
      const reservation = this.db.transaction((): CrlReservation => {
        this.prepare('UPDATE crl_state SET last_number = last_number + 1 WHERE id = 1').run();
        const row = this.prepare('SELECT generation, last_number FROM crl_state WHERE id = 1').get() as { generation: number; last_number: number };
        return { number: row.last_number, generation: row.generation, revoked: this.revoked() };
      }).immediate();
      return reservation;
    });
  }

  publishCrl(crl: { number: number; generation: number; der: Uint8Array; thisUpdate: Date; nextUpdate: Date }): Promise<boolean> {
    return settle(() => {
      const changes = this.db
        .prepare(
          `UPDATE crl_state SET published_number = ?, published_generation = ?, published_der = ?, published_this_update = ?,
             published_next_update = ? WHERE id = 1 AND (published_number IS NULL OR published_number < ?)`,
        )
        .run(crl.number, crl.generation, Buffer.from(crl.der), crl.thisUpdate.getTime(), crl.nextUpdate.getTime(), crl.number).changes;
      return changes === 1;
    });
  }

  listAudit(filter: { serial?: string } = {}): Promise<AuditEntry[]> {
    return settle(() => {
      const rows = (
        filter.serial === undefined
          ? this.prepare('SELECT * FROM audit_log ORDER BY id').all()
          : this.prepare('SELECT * FROM audit_log WHERE serial = ? ORDER BY id').all(filter.serial)
      ) as AuditRow[];
      return rows.map((row) => toAuditEntry(row, true));
    });
  }

  claimDeliveries(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    return settle(() => {
      const claimed = this.db.transaction((): ClaimedDelivery[] => {
        const rows = this.db
          .prepare(
            `SELECT o.*, s.webhook_secret FROM webhook_outbox o JOIN services s ON s.id = o.service_id
             WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`,
          )
          .all(now.getTime(), limit) as (OutboxRow & { webhook_secret: string })[];
        const lease = this.prepare('UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ?');
        for (const row of rows) lease.run(leaseUntil.getTime(), row.id);
        return rows.map((row) => ({ ...toDelivery(row), webhookSecret: row.webhook_secret }));
      }).immediate();
      return claimed;
    });
  }

  markDelivered(id: string, at: Date): Promise<void> {
    return settle(() => {
      this.prepare('UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(at.getTime(), id);
    });
  }

  markDeliveryFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    return settle(() => {
      this.prepare('UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?').run(attempts, nextAttemptAt.getTime(), error.slice(0, 500), id);
    });
  }

  listDeliveries(): Promise<OutboxDelivery[]> {
    return settle(() => {
      return (this.prepare('SELECT * FROM webhook_outbox ORDER BY created_at, id').all() as OutboxRow[]).map(toDelivery);
    });
  }
}
