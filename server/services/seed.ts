/** Demo users, balances and charges for each service. Passwords are printed by `npm start`. */
import { type ServiceConfig } from './context.js';
import { type Charge, Ledger } from './shared/ledger.js';
import { type ServiceDb } from './shared/db.js';
import { UserStore } from './shared/users.js';

/** One demo person, with the same name everywhere and a password per service. */
export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly email: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'hanako', name: 'Hanako Yamada', address: '1-2-3 Chiyoda, Tokyo', email: 'hanako@example.jp' },
  { id: 'taro', name: 'Taro Suzuki', address: '4-5-6 Kita, Osaka', email: 'taro@example.jp' },
];

/** The demo password of a user at a service: `<user>-<service>`, e.g. `hanako-bank-a`. */
export function demoPassword(userId: string, serviceId: string): string {
  return `${userId}-${serviceId}`;
}

const ACCOUNTS: Readonly<Record<ServiceConfig['kind'], { currency: string; balances: readonly number[]; charges: readonly (readonly Charge[])[] }>> = {
  bank: {
    currency: 'JPY',
    balances: [1_250_000, 86_300],
    charges: [
      [
        { at: '2026-11-18', description: 'Salary', amountMinor: 320_000 },
        { at: '2026-11-19', description: 'Rent — November', amountMinor: -98_000 },
        { at: '2026-11-20', description: 'Card Co. settlement', amountMinor: -42_800 },
      ],
      [{ at: '2026-11-15', description: 'ATM withdrawal', amountMinor: -20_000 }],
    ],
  },
  card: {
    currency: 'JPY',
    balances: [-42_800, -5_400],
    charges: [
      [
        { at: '2026-11-02', description: 'Bookshop Kanda', amountMinor: -3_200 },
        { at: '2026-11-09', description: 'JR East — commuter pass', amountMinor: -28_600 },
        { at: '2026-11-16', description: 'Supermarket Hinode', amountMinor: -11_000 },
      ],
      [{ at: '2026-11-12', description: 'Café Mori', amountMinor: -5_400 }],
    ],
  },
  portal: {
    currency: 'PTS',
    balances: [12_400, 800],
    charges: [[{ at: '2026-11-10', description: 'Points: annual membership bonus', amountMinor: 2_000 }], []],
  },
};

/** Seeds the demo users and their accounts into an empty service database (idempotent). */
export async function seedDemoData(db: ServiceDb, config: ServiceConfig): Promise<void> {
  const users = new UserStore(db);
  const ledger = new Ledger(db);
  const account = ACCOUNTS[config.kind];
  for (const [i, person] of DEMO_USERS.entries()) {
    if (users.get(person.id)) continue;
    await users.create({ ...person, password: demoPassword(person.id, config.id) });
    const bankBalance = config.id === 'bank-b' ? Math.round((account.balances[i] ?? 0) * 0.3) : (account.balances[i] ?? 0);
    ledger.seed(person.id, account.currency, bankBalance, account.charges[i] ?? []);
  }
}
