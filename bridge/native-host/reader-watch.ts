/**
 * Watches PC/SC for readers and cards coming and going (SCardGetStatusChange on every reader plus the
 * "\\?PnP?\Notification" pseudo-reader, PC/SC Part 5 §3.1.3 and pcsc-lite's PnP extension) and turns the
 * differences into protocol events. It runs on its own context for as long as the host runs, so it is also
 * what notices pcscd stopping and what brings the host back when pcscd returns: while the service is gone
 * it keeps trying to establish a context, backing off to `maxRetryMs`.
 */
import { Context, type ContextInterface, type ReaderState, SCARD_STATE_CHANGED } from 'smartcard';
import { type NativeEvent, type ReaderInfo } from '../../src/native-host-protocol.js';
import { type HostLog } from './log.js';
import { isServiceGone, readerSnapshot, type ReaderSnapshot } from './pcsc-readers.js';
import { type PcscService } from './pcsc-service.js';

/** pcsc-lite's pseudo-reader whose state changes when a reader is attached or detached. */
const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

/** Tuning of the watcher. */
export interface ReaderWatchOptions {
  /** Longest single SCardGetStatusChange wait (ms, default 2000); the watcher re-reads the readers after each. */
  readonly waitMs?: number;
  /** First retry delay while pcscd is gone (ms, default 200), doubling up to `maxRetryMs` (default 2000). */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Makes a PC/SC context (tests replace it). */
  readonly createContext?: () => ContextInterface;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The events that take `before` to `after`. */
export function readerEvents(before: ReadonlyMap<string, ReaderSnapshot>, after: ReadonlyMap<string, ReaderSnapshot>): NativeEvent[] {
  const events: NativeEvent[] = [];
  for (const [name, old] of before) {
    if (after.has(name)) continue;
    if (old.info.card === 'present') events.push({ kind: 'card-removed', reader: name });
    events.push({ kind: 'reader-removed', reader: name });
  }
  for (const [name, now] of after) {
    const old = before.get(name);
    if (!old) {
      events.push({ kind: 'reader-added', reader: now.info });
      if (now.info.card === 'present' && now.info.atr) events.push({ kind: 'card-inserted', reader: name, atr: now.info.atr });
      continue;
    }
    const wasPresent = old.info.card === 'present';
    const isPresent = now.info.card === 'present' && now.info.atr !== null;
    // A changed event count with a card before and after: it was swapped between two looks.
    const swapped = wasPresent && isPresent && old.events !== now.events;
    if (wasPresent && (!isPresent || swapped)) events.push({ kind: 'card-removed', reader: name });
    if (isPresent && now.info.atr && (!wasPresent || swapped)) events.push({ kind: 'card-inserted', reader: name, atr: now.info.atr });
  }
  return events;
}

function describeEvent(event: NativeEvent): string {
  switch (event.kind) {
    case 'pcsc':
      return `PC/SC ${event.status}`;
    case 'reader-added':
      return `reader added: '${event.reader.name}' (${event.reader.card})`;
    default:
      return `${event.kind}: '${event.reader}'`;
  }
}

/** Keeps a current picture of the readers and reports each change. */
export class ReaderWatch {
  private snapshot = new Map<string, ReaderSnapshot>();
  private context: ContextInterface | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private firstLook: Promise<void>;
  private markLooked: () => void = () => undefined;
  private readonly waitMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly createContext: () => ContextInterface;

  constructor(
    private readonly service: PcscService,
    private readonly log: HostLog,
    private readonly emit: (event: NativeEvent) => void,
    options: ReaderWatchOptions = {},
  ) {
    this.waitMs = options.waitMs ?? 2000;
    this.retryMs = options.retryMs ?? 200;
    this.maxRetryMs = options.maxRetryMs ?? 2000;
    this.createContext = options.createContext ?? (() => new Context());
    this.firstLook = new Promise((resolve) => (this.markLooked = resolve));
  }

  /** The readers as last seen (empty while pcscd is down). */
  get readers(): ReaderInfo[] {
    return [...this.snapshot.values()].map((reader) => reader.info);
  }

  /** Resolves once the watcher has looked at PC/SC at least once (found readers, or found pcscd down). */
  ready(): Promise<void> {
    return this.firstLook;
  }

  /** Starts watching (idempotent). */
  start(): void {
    this.loop ??= this.run().catch((error: unknown) => this.log.error(`reader watch stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  }

  /** Stops watching and releases the context. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWait();
    await this.loop;
    this.dropContext();
  }

  private async run(): Promise<void> {
    let delay = this.retryMs;
    while (!this.stopped) {
      const context = this.ensureContext();
      if (!context) {
        this.markLooked();
        await sleep(delay);
        delay = Math.min(delay * 2, this.maxRetryMs);
        continue;
      }
      delay = this.retryMs;
      try {
        const raw = context.listReaders();
        this.update(new Map(raw.map((reader) => [reader.name, readerSnapshot(reader)])));
        this.markLooked();
        const states: ReaderState[] = raw.map((reader) => ({ name: reader.name, state: reader.state & ~SCARD_STATE_CHANGED, changed: false, atr: null }));
        // pcsc-lite keeps the reader count in the upper 16 bits of the PnP pseudo-reader's state.
        states.push({ name: PNP_NOTIFICATION, state: raw.length << 16, changed: false, atr: null });
        const started = Date.now();
        const changes = await context.waitForChange(states, this.waitMs);
        // Guard against a platform that reports "changed" without a change: never spin.
        if (changes !== null && changes.length > 0 && Date.now() - started < 5) await sleep(20);
      } catch (error) {
        if (this.stopped) break;
        if (isServiceGone(error)) {
          this.serviceGone(error);
          continue;
        }
        this.log.warn(`reader watch: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(this.retryMs);
      }
    }
  }

  private ensureContext(): ContextInterface | undefined {
    if (this.context?.isValid) return this.context;
    try {
      this.context = this.createContext();
    } catch (error) {
      if (!isServiceGone(error)) this.log.warn(`reader watch: no PC/SC context: ${error instanceof Error ? error.message : String(error)}`);
      this.service.setStatus('down', error instanceof Error ? error.message : String(error));
      return undefined;
    }
    // A new context after the service was down means pcscd is back: the operations context is stale.
    if (this.service.status === 'down') this.service.close();
    this.service.setStatus('up', null);
    return this.context;
  }

  /** pcscd went away: forget its readers (without per-reader events: "down" says it all) and the stale contexts. */
  private serviceGone(error: unknown): void {
    this.dropContext();
    this.snapshot = new Map();
    this.service.lost(error);
  }

  private update(next: Map<string, ReaderSnapshot>): void {
    const events = readerEvents(this.snapshot, next);
    this.snapshot = next;
    for (const event of events) {
      this.log.info(describeEvent(event));
      this.emit(event);
    }
  }

  private cancelWait(): void {
    try {
      this.context?.cancel();
    } catch (error) {
      this.log.debug(`cancelling the reader wait: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private dropContext(): void {
    const context = this.context;
    this.context = undefined;
    try {
      context?.close();
    } catch (error) {
      this.log.debug(`closing the watch context: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
