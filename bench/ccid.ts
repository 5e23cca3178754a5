/**
 * USB traffic and wall time of the two login operations through the WebUSB CCID driver and the simulated
 * reader around the software PIV card: reading a ~2 KB certificate from 9A and signing (GENERAL
 * AUTHENTICATE, P-256). Counts come from the simulated device (what a USB analyser would see: WebUSB
 * transfers and bulk packets); time is wall-clock around the PIV session call.
 */
import { Algorithm, DEFAULT_PIN, Slot } from '../src/piv/constants.js';
import { CcidReader } from '../bridge/ccid/ccid-reader.js';
import { SimulatedCcidReader, type SimulatedCcidReaderOptions } from '../bridge/ccid/simulated-reader.js';
import { PivSession } from '../bridge/piv/session.js';
import { issueTestCertificate } from '../bridge/piv/test-certificate.js';
import { SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { type BenchTable } from './table.js';

interface Setup {
  readonly name: string;
  readonly reader: SimulatedCcidReaderOptions;
  readonly extendedLength: boolean;
}

const READERS: readonly Setup[] = [
  { name: 'short APDU, 64-byte packets', reader: { exchangeLevel: 'short-apdu', maxMessageLength: 271, bulkPacketSize: 64 }, extendedLength: false },
  {
    name: 'extended APDU, 3082-byte messages',
    reader: { exchangeLevel: 'extended-apdu', maxMessageLength: 3082, bulkPacketSize: 64 },
    extendedLength: true,
  },
];

/** Bus models: none (driver and simulator cost only), and 1 ms per WebUSB transfer (a full-speed frame). */
const LATENCIES = [0, 1] as const;
const ROUNDS = 25;
const WARM_UP = 3;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

interface Measured {
  readonly apdus: number;
  readonly transfersOut: number;
  readonly transfersIn: number;
  readonly packetsOut: number;
  readonly packetsIn: number;
  readonly times: number[];
}

/** Runs `operation` ROUNDS times (after warm-up) and returns the per-operation traffic and the times. */
async function measure(device: SimulatedCcidReader, operation: () => Promise<unknown>): Promise<Measured> {
  for (let i = 0; i < WARM_UP; i++) await operation();
  device.resetStats();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await operation();
    times.push(performance.now() - start);
  }
  const s = device.stats;
  return {
    apdus: s.apdus / ROUNDS,
    transfersOut: s.bulkOutTransfers / ROUNDS,
    transfersIn: s.bulkInTransfers / ROUNDS,
    packetsOut: s.bulkOutPackets / ROUNDS,
    packetsIn: s.bulkInPackets / ROUNDS,
    times,
  };
}

/** Runs the benchmark (a few seconds). */
export async function run(): Promise<BenchTable[]> {
  const traffic: (string | number)[][] = [];
  const timing: (string | number)[][] = [];
  let certificateLength = 0;
  for (const setup of READERS) {
    for (const latency of LATENCIES) {
      const card = await SoftPivCard.create();
      const device = new SimulatedCcidReader({ card, ...setup.reader, transferLatencyMs: latency });
      const reader = await CcidReader.open(device);
      const piv = await PivSession.open(await reader.connect(), { extendedLength: setup.extendedLength });
      await piv.authenticateManagementKey();
      const spki = await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
      const certificate = await issueTestCertificate(spki, { size: 2200 });
      certificateLength = certificate.length;
      await piv.writeCertificate(Slot.AUTHENTICATION, certificate);
      await piv.verifyPin(DEFAULT_PIN);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('challenge')));
      const operations = [
        ['read 9A certificate', () => piv.readCertificate(Slot.AUTHENTICATION)],
        ['sign (P-256)', () => piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, digest)],
      ] as const;
      for (const [name, operation] of operations) {
        const m = await measure(device, operation);
        if (latency === 0) {
          traffic.push([name, setup.name, m.apdus, m.transfersOut, m.transfersIn, m.packetsOut, m.packetsIn]);
        }
        timing.push([name, setup.name, latency === 0 ? 'none' : `${latency} ms/transfer`, round(median(m.times)), round(p95(m.times))]);
      }
      await reader.close();
    }
  }
  return [
    {
      title: `CCID: USB traffic per operation (simulated reader, software card, ${certificateLength}-byte certificate)`,
      columns: ['operation', 'reader', 'APDUs', 'bulk-OUT transfers', 'bulk-IN transfers', 'OUT packets', 'IN packets'],
      rows: traffic,
      notes: [
        'A WebUSB transfer is one transferOut/transferIn call; packets are wMaxPacketSize pieces on the bus (zero-length packets included).',
        'Short-APDU readers: the APDU layer chains and uses GET RESPONSE (256 bytes per APDU). Extended-APDU readers: one APDU, CCID-level chaining when a message exceeds dwMaxCCIDMessageLength.',
        'The PIN is verified once beforehand; "sign" is GENERAL AUTHENTICATE alone.',
      ],
    },
    {
      title: `CCID: wall time per operation, ${ROUNDS} rounds after ${WARM_UP} warm-up`,
      columns: ['operation', 'reader', 'bus model', 'median ms', 'p95 ms'],
      rows: timing,
      notes: [
        '"none": the driver, the simulated reader and the software card only (no card timing model).',
        '"1 ms/transfer": each WebUSB bulk transfer completes one full-speed frame later, a lower bound for a real USB reader.',
      ],
    },
  ];
}
