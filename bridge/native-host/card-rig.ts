/**
 * The software PIV card for the native-host tests and benchmark: provisioned with P-256 keys and
 * certificates in 9A and 9C, inserted into a vpcd reader from this process (so the card's own operation log
 * is at hand), removable and insertable again with its keys kept, and with every power-on and reset
 * recorded on the card log's clock — the boundaries of PC/SC transactions that end with a reset.
 *
 * The card must not share a process with synchronous PC/SC calls that wait for it (see
 * bridge/interop/card-process.ts): here only the host processes call PC/SC.
 */
import { Algorithm, Slot } from '../../src/piv/constants.js';
import { PivSession } from '../piv/session.js';
import { issueTestCertificate } from '../piv/test-certificate.js';
import { type CardLogEntry, SoftPivCard } from '../softcard/soft-piv-card.js';
import { connectDirect } from '../transport/direct.js';
import { type IccCard } from '../transport/card-connection.js';
import { VpcdClient } from '../vpcd/client.js';

/** A provisioned software card in a vpcd reader. */
export interface CardRig {
  readonly card: SoftPivCard;
  /** DER certificates on the card, by slot. */
  readonly certificates: { readonly [Slot.AUTHENTICATION]: Uint8Array; readonly [Slot.SIGNATURE]: Uint8Array };
  /** `now()` of every power-on or reset of the card (same clock as `card.log`). */
  readonly powerOns: readonly number[];
  /** Inserts the card (resolves once vpcd has it). */
  insert(): Promise<void>;
  /** Removes the card (closes its vpcd connection). */
  remove(): Promise<void>;
  /** True while inserted. */
  readonly inserted: boolean;
}

/** Provisions a fresh card and returns it, not yet inserted, for vpcd on `port`. */
export async function createCardRig(port: number, serial: number): Promise<CardRig> {
  const now = (): number => performance.now();
  const card = await SoftPivCard.create({ serial, now });
  const connection = await connectDirect(card);
  const piv = await PivSession.open(connection);
  await piv.authenticateManagementKey();
  const certificates = {
    [Slot.AUTHENTICATION]: await issueTestCertificate(await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256), { commonName: 'Native Host 9A', size: 1200 }),
    [Slot.SIGNATURE]: await issueTestCertificate(await piv.generateKey(Slot.SIGNATURE, Algorithm.ECC_P256), { commonName: 'Native Host 9C', size: 900 }),
  };
  await piv.writeCertificate(Slot.AUTHENTICATION, certificates[Slot.AUTHENTICATION]);
  await piv.writeCertificate(Slot.SIGNATURE, certificates[Slot.SIGNATURE]);
  await connection.close();
  card.clearLog();

  const powerOns: number[] = [];
  const contacts: IccCard = {
    powerOn: () => {
      powerOns.push(now());
      return card.powerOn();
    },
    powerOff: () => card.powerOff(),
    process: (command) => card.process(command),
  };
  let client: VpcdClient | undefined;
  return {
    card,
    certificates,
    powerOns,
    get inserted() {
      return client !== undefined;
    },
    async insert(): Promise<void> {
      if (client) return;
      client = new VpcdClient({ card: contacts, port, retryMs: 50, maxRetryMs: 250 });
      client.start();
      await client.whenConnected();
    },
    async remove(): Promise<void> {
      const current = client;
      client = undefined;
      await current?.stop();
    },
  };
}

/** One stretch of the card log between two power-ons or resets: the APDUs of at most one transaction. */
export interface CardLogSegment {
  readonly startedAt: number;
  readonly entries: readonly CardLogEntry[];
}

/** Splits the card's log at each power-on or reset; drops stretches without APDUs. */
export function segmentCardLog(log: readonly CardLogEntry[], powerOns: readonly number[]): CardLogSegment[] {
  const bounds = [...powerOns].sort((a, b) => a - b);
  const segments = new Map<number, CardLogEntry[]>();
  for (const entry of log) {
    let start = -Infinity;
    for (const bound of bounds) if (bound <= entry.startedAt) start = bound;
    const list = segments.get(start) ?? [];
    list.push(entry);
    segments.set(start, list);
  }
  return [...segments.entries()].sort(([a], [b]) => a - b).map(([startedAt, entries]) => ({ startedAt, entries }));
}
