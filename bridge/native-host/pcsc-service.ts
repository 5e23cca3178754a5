/**
 * The host's PC/SC context and what it knows of the service's health. pcscd may be restarted (or crash, or
 * be socket-activated later) while the host runs: every context from before is then dead, so a failure that
 * means "service gone" drops the context, a fresh one is made on the next use, and each new context starts
 * a new *generation* — card connections of an older generation are known to be lost.
 */
import { Context, type ContextInterface, type ReaderInterface } from 'smartcard';
import { NativeHostError, NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type PcscStatus } from '../../src/native-host-protocol.js';
import { type HostLog } from './log.js';
import { isServiceGone, readerSnapshot, type ReaderSnapshot } from './pcsc-readers.js';

/** Told when the service goes down (with pcsc-lite's words) or comes back. */
export type PcscStatusListener = (status: PcscStatus, message: string | null) => void;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The PC/SC service as the host sees it. */
export class PcscService {
  private context: ContextInterface | undefined;
  private currentStatus: PcscStatus = 'down';
  private currentGeneration = 0;
  private readonly listeners = new Set<PcscStatusListener>();

  constructor(
    private readonly log: HostLog,
    private readonly createContext: () => ContextInterface = () => new Context(),
  ) {}

  /** Whether pcscd answered the last time it was asked. */
  get status(): PcscStatus {
    return this.currentStatus;
  }

  /** Increases with every new context; card connections remember the one they were made in. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** Registers a status listener; returns its remover. */
  onStatus(listener: PcscStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records the service's health, telling listeners on a change. */
  setStatus(status: PcscStatus, message: string | null): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    if (status === 'down') this.log.warn(`PC/SC service down: ${message ?? 'unknown reason'}`);
    else this.log.info('PC/SC service up');
    for (const listener of this.listeners) listener(status, message);
  }

  /** The operations context, establishing one if needed. Throws `PCSC_UNAVAILABLE` when pcscd does not answer. */
  open(): ContextInterface {
    if (this.context?.isValid) return this.context;
    try {
      this.context = this.createContext();
    } catch (error) {
      this.setStatus('down', messageOf(error));
      throw this.unavailable(error);
    }
    this.currentGeneration++;
    this.setStatus('up', null);
    return this.context;
  }

  /**
   * Forgets a context the service no longer knows (after a service-gone failure): the next `open` makes a
   * new one and a new generation. Returns the typed error to report.
   */
  lost(error: unknown): NativeHostError {
    this.dropContext();
    this.setStatus('down', messageOf(error));
    return this.unavailable(error);
  }

  /**
   * Runs `use` with the operations context; if it fails because the context died with an earlier pcscd,
   * retries once with a fresh context (the reconnect the browser never has to ask for).
   */
  withContext<T>(use: (context: ContextInterface) => T): T {
    for (let attempt = 1; ; attempt++) {
      const context = this.open();
      try {
        return use(context);
      } catch (error) {
        if (!isServiceGone(error)) throw error;
        const typed = this.lost(error);
        if (attempt === 2) throw typed;
      }
    }
  }

  /** The readers present now. Throws `PCSC_UNAVAILABLE` when pcscd does not answer. */
  readers(): ReaderSnapshot[] {
    return this.withContext((context) => context.listReaders().map(readerSnapshot));
  }

  /** The reader named `name` now, with the object to connect through, or undefined when there is none. */
  reader(name: string): { readonly reader: ReaderInterface; readonly snapshot: ReaderSnapshot } | undefined {
    return this.withContext((context) => {
      const reader = context.listReaders().find((candidate) => candidate.name === name);
      return reader && { reader, snapshot: readerSnapshot(reader) };
    });
  }

  /** Releases the operations context. */
  close(): void {
    this.dropContext();
  }

  private dropContext(): void {
    const context = this.context;
    this.context = undefined;
    if (!context) return;
    try {
      context.close();
    } catch (error) {
      // A context of a dead service may refuse to close; it is gone either way.
      this.log.debug(`closing a dead PC/SC context: ${messageOf(error)}`);
    }
  }

  private unavailable(error: unknown): NativeHostError {
    const pcsc = messageOf(error);
    return new NativeHostError(NativeHostErrorCode.PCSC_UNAVAILABLE, `The PC/SC service does not answer (${pcsc}): is pcscd running?`, { pcsc });
  }
}
