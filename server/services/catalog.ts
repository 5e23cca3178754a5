/** The four demo services and their default ports. */
import { type ServiceConfig } from './context.js';

/** A service in the demo world: its configuration and default port. */
export interface CatalogEntry {
  readonly config: ServiceConfig;
  readonly port: number;
}

/** Default port of the CA. */
export const CA_PORT = 7000;

/** Portal, Bank A, Bank B and Card Co. Card Co. runs in check-omitted mode (trusts its table + CA notices). */
export const CATALOG: readonly CatalogEntry[] = [
  { port: 7100, config: { id: 'portal', kind: 'portal', checkMode: 'ca-check', theme: { displayName: 'Membership Portal', accent: '#1d4ed8', tagline: 'Members’ services in one place' } } },
  { port: 7101, config: { id: 'bank-a', kind: 'bank', checkMode: 'ca-check', theme: { displayName: 'Bank A', accent: '#0f766e', tagline: 'Everyday banking' } } },
  { port: 7102, config: { id: 'bank-b', kind: 'bank', checkMode: 'ca-check', theme: { displayName: 'Bank B', accent: '#7c3aed', tagline: 'Savings and loans' } } },
  { port: 7103, config: { id: 'card-co', kind: 'card', checkMode: 'omitted', theme: { displayName: 'Card Co.', accent: '#b45309', tagline: 'Credit cards' } } },
];
