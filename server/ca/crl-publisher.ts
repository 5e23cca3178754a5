/**
 * Keeps the published CRL current (RFC 5280 §5): a new CRL, with the next cRLNumber, is signed when an
 * invalidation has happened since the last one or half of its validity has passed. The published CRL is
 * kept in the store, so every CA instance serves the same numbered CRL.
 */
import { buildCrl } from '../../src/pki/crl.js';
import type { CaKeys } from './keys/key-store.js';
import type { CaStore } from './store/types.js';

/** Publishes and serves the CRL. */
export class CrlPublisher {
  private pending: { generation: number; promise: Promise<Uint8Array> } | undefined;

  constructor(
    private readonly options: { store: CaStore; keys: CaKeys; validitySeconds: number; clock: () => Date },
  ) {}

  /** The DER of a CRL that reflects every invalidation committed before the call. */
  async current(): Promise<Uint8Array> {
    const state = await this.options.store.getCrlState();
    const now = this.options.clock().getTime();
    const published = state.published;
    if (published && published.generation >= state.generation) {
      const refreshAt = published.thisUpdate.getTime() + (published.nextUpdate.getTime() - published.thisUpdate.getTime()) / 2;
      if (now < refreshAt) return published.der;
    }
    // Join a signing already in flight only if it started from the same revocation generation.
    if (this.pending && this.pending.generation >= state.generation) return this.pending.promise;
    const promise = this.regenerate().finally(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    this.pending = { generation: state.generation, promise };
    return promise;
  }

  private async regenerate(): Promise<Uint8Array> {
    const { store, keys, validitySeconds, clock } = this.options;
    const reservation = await store.reserveCrl();
    const thisUpdate = new Date(Math.floor(clock().getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + validitySeconds * 1000);
    const der = await buildCrl({
      issuerCertificate: keys.caCertificate,
      issuerKey: keys.caKey,
      crlNumber: reservation.number,
      thisUpdate,
      nextUpdate,
      revoked: reservation.revoked.map((entry) => ({ serial: entry.serial, revokedAt: entry.invalidatedAt, reason: entry.reason })),
    });
    if (await store.publishCrl({ number: reservation.number, generation: reservation.generation, der, thisUpdate, nextUpdate })) return der;
    // Another instance published a higher-numbered CRL meanwhile; it is at least as fresh as ours.
    const state = await store.getCrlState();
    return state.published?.der ?? der;
  }
}
