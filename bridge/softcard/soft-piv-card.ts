/**
 * The software PIV card: a real PIV card (NIST SP 800-73-4, YubiKey 5 extensions) behind the `IccCard`
 * contacts that readers — the simulated CCID reader, the vpcd bridge — put on their own wire formats.
 *
 * Like a real card it processes exactly one APDU at a time: calls to `process` that arrive while another
 * is running wait their turn, and the card's operation log records when each really started and ended.
 * Removing power rejects the command in flight and every queued one with `CARD_REMOVED` at once; what a
 * command had already written to the card's non-volatile memory stays written.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { type IccCard } from '../transport/card-connection.js';
import { ApduFraming } from './apdu-framing.js';
import { initialSecurity, type SecurityStatus } from './applet-context.js';
import { type CardState, factoryState, randomSerial } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { MemoryCardStore } from './memory-store.js';
import { PivApplet } from './piv-applet.js';
import { Sw } from './status.js';

/** ATR of a YubiKey 5 NFC over USB (T=1; historical bytes 80 73 C0 21 C0 "YubiKey"), ISO/IEC 7816-3 §8. */
export const SOFT_CARD_ATR = Uint8Array.of(
  0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80, 0x73, 0xc0, 0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b, 0x65, 0x79, 0x40,
);

/** One processed APDU in the card's own operation log (no data: never a PIN or key). */
export interface CardLogEntry {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** The status word answered (SW1 SW2 as one number). */
  readonly sw: number;
  /** `now()` when the card began processing this APDU (after any queueing). */
  readonly startedAt: number;
  /** `now()` when the card finished it. */
  readonly endedAt: number;
}

/** Options of `SoftPivCard.create`. */
export interface SoftPivCardOptions {
  /** Non-volatile memory; a fresh `MemoryCardStore` by default. */
  readonly store?: SoftCardStore;
  /** Timing model for benchmarks: `apduMs` added to every APDU, `signMs` to every private-key operation. Default 0. */
  readonly timing?: { readonly signMs?: number; readonly apduMs?: number };
  /** Serial number of a factory-fresh card (ignored when the store already holds a card). Random by default. */
  readonly serial?: number;
  /** Clock for the operation log; `performance.now` by default. */
  readonly now?: () => number;
  /**
   * Told about every failure the card could only answer with 6581 (the store failed) or 6F00 (a bug),
   * so a host such as `kyotsu card serve` can log it. The error never carries a PIN or key.
   */
  readonly onError?: (error: unknown) => void;
}

/** Oldest log entries are dropped beyond this many (a long-running `kyotsu card serve`). */
export const MAX_LOG_ENTRIES = 10_000;

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Volatile state of one power cycle: the transmission layer and the security status. */
interface PowerSession {
  readonly framing: ApduFraming;
  readonly security: SecurityStatus;
  /** Rejects (with CARD_REMOVED) when this session's power goes away. */
  readonly removed: Promise<never>;
  readonly remove: () => void;
}

function removedError(): CardError {
  return new CardError(CardErrorCode.CARD_REMOVED, 'The software card lost power during the command');
}

function newSession(): PowerSession {
  let remove: () => void = () => undefined;
  const removed = new Promise<never>((_, reject) => {
    remove = () => reject(removedError());
  });
  // Nobody may be waiting when power goes; the rejection is observed by each racing `process` call.
  removed.catch(() => undefined);
  return { framing: new ApduFraming(), security: initialSecurity(), removed, remove };
}

/** A software PIV card. Create with `SoftPivCard.create()`. */
export class SoftPivCard implements IccCard {
  private readonly entries: CardLogEntry[] = [];
  private session: PowerSession | undefined;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly applet: PivApplet,
    private readonly timing: { signMs: number; apduMs: number },
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Loads the card from `options.store` (or makes a factory-fresh one and saves it there). */
  static async create(options: SoftPivCardOptions = {}): Promise<SoftPivCard> {
    const store = options.store ?? new MemoryCardStore();
    let state: CardState | undefined = await store.load();
    if (state === undefined) {
      state = await factoryState(options.serial ?? randomSerial());
      await store.save(state);
    }
    const timing = { signMs: options.timing?.signMs ?? 0, apduMs: options.timing?.apduMs ?? 0 };
    const onError = options.onError ?? (() => undefined);
    const applet = new PivApplet(state, store, () => sleep(timing.signMs), onError);
    return new SoftPivCard(applet, timing, options.now ?? (() => performance.now()), onError);
  }

  /** The card's operation log, oldest first (a live view: it grows as the card works; `clearLog` empties it). */
  get log(): readonly CardLogEntry[] {
    return this.entries;
  }

  /**
   * Changes the timing model from the next operation on (benchmarks of a card already in use, e.g. the
   * extension's software card in a test build modelling a real card's 150 ms signature).
   */
  setTiming(timing: { readonly signMs?: number; readonly apduMs?: number }): void {
    if (timing.signMs !== undefined) this.timing.signMs = timing.signMs;
    if (timing.apduMs !== undefined) this.timing.apduMs = timing.apduMs;
  }

  /** Empties the operation log. */
  clearLog(): void {
    this.entries.length = 0;
  }

  /** The card's serial number (as GET SERIAL reports it). */
  get serial(): number {
    return this.applet.state.serial;
  }

  /** True while powered. */
  get powered(): boolean {
    return this.session !== undefined;
  }

  /** Cold reset: ends any previous power session, selects the PIV application, returns the ATR. */
  powerOn(): Promise<Uint8Array> {
    this.session?.remove();
    this.session = newSession();
    return Promise.resolve(SOFT_CARD_ATR.slice());
  }

  /** Removes power: the command in flight and queued commands fail with CARD_REMOVED; volatile state is lost. */
  powerOff(): Promise<void> {
    this.session?.remove();
    this.session = undefined;
    return Promise.resolve();
  }

  /**
   * Processes one command APDU and resolves to the response APDU (data ‖ SW1 SW2). Malformed APDUs get
   * status words, never exceptions. Rejects with `NO_CARD` when not powered and `CARD_REMOVED` when power
   * goes away before the answer.
   */
  process(command: Uint8Array): Promise<Uint8Array> {
    const session = this.session;
    if (session === undefined) return Promise.reject(new CardError(CardErrorCode.NO_CARD, 'The software card is not powered'));
    const apdu = command.slice();
    const run = async (): Promise<Uint8Array> => {
      if (this.session !== session) throw removedError();
      const startedAt = this.now();
      await sleep(this.timing.apduMs);
      let outcome: { response: Uint8Array; ins: number; p1: number; p2: number };
      try {
        outcome = await session.framing.handle(apdu, (full) => this.applet.execute(full, session.security));
      } catch (error) {
        // The applet answers every failure itself; reaching here is a bug in the card, answered 6F00.
        this.onError(error);
        outcome = { response: Uint8Array.of(Sw.UNKNOWN >>> 8, Sw.UNKNOWN & 0xff), ins: apdu[1] ?? 0, p1: apdu[2] ?? 0, p2: apdu[3] ?? 0 };
      }
      const { response, ins, p1, p2 } = outcome;
      const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
      this.entries.push({ ins, p1, p2, sw, startedAt, endedAt: this.now() });
      if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
      return response;
    };
    const result = this.queue.then(run);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return Promise.race([result, session.removed]);
  }
}
