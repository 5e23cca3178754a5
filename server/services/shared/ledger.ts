/** Balances and recent charges: what a service's statement shows its holder. */
import { type ServiceDb } from './db.js';

/** One line of a statement. Amounts are in minor units (yen have none: 1 = ¥1). */
export interface Charge {
  readonly at: string;
  readonly description: string;
  readonly amountMinor: number;
}

/** A holder's statement at one service. */
export interface Statement {
  readonly currency: string;
  readonly balanceMinor: number;
  readonly charges: readonly Charge[];
}

/** The ledger tables of one service. */
export class Ledger {
  constructor(private readonly db: ServiceDb) {}

  /** Opens an account with a balance and past charges (demo seeding). */
  seed(userId: string, currency: string, balanceMinor: number, charges: readonly Charge[]): void {
    const insert = this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO accounts (user_id, currency, balance_minor) VALUES (?, ?, ?)').run(userId, currency, balanceMinor);
      const add = this.db.prepare('INSERT INTO charges (user_id, at, description, amount_minor) VALUES (?, ?, ?, ?)');
      for (const c of charges) add.run(userId, c.at, c.description, c.amountMinor);
    });
    insert();
  }

  /** The holder's statement with the `limit` most recent charges, or null without an account. */
  statement(userId: string, limit = 5): Statement | null {
    const account = this.db.prepare('SELECT currency, balance_minor FROM accounts WHERE user_id = ?').get(userId) as { currency: string; balance_minor: number } | undefined;
    if (!account) return null;
    const rows = this.db
      .prepare('SELECT at, description, amount_minor FROM charges WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(userId, limit) as { at: string; description: string; amount_minor: number }[];
    return { currency: account.currency, balanceMinor: account.balance_minor, charges: rows.map((r) => ({ at: r.at, description: r.description, amountMinor: r.amount_minor })) };
  }
}

/** Formats minor units for display, e.g. `¥1,250,000` or `12,400 pt`. */
export function formatAmount(currency: string, minor: number): string {
  const n = new Intl.NumberFormat('en-US').format(minor);
  if (currency === 'JPY') return `${minor < 0 ? '−' : ''}¥${n.replace('-', '')}`;
  return `${n} ${currency === 'PTS' ? 'pt' : currency}`;
}
