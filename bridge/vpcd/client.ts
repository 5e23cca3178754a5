/**
 * Puts an `IccCard` into vsmartcard's virtual PC/SC reader: connects to vpcd over TCP, answers it through a
 * `VpcdLink`, and reconnects with exponential backoff whenever vpcd (that is, pcscd) goes away or is not
 * there yet. Closing the socket is how a card leaves a vpcd reader, so `stop()` is "remove the card".
 */
import { createConnection, type Socket } from 'node:net';
import { type IccCard } from '../transport/card-connection.js';
import { VpcdError, VpcdErrorCode } from './errors.js';
import { VpcdLink } from './link.js';
import { silentLog, type VpcdLog } from './log.js';
import { VPCD_BASE_PORT, VPCD_DEFAULT_HOST } from './ports.js';
import { type ApduTrace } from './redact.js';

/** How to reach vpcd and what to do along the way. */
export interface VpcdClientOptions {
  /** The card to insert. */
  readonly card: IccCard;
  /** vpcd's host; default 127.0.0.1. */
  readonly host?: string;
  /** vpcd's port; default 35963 (reader 0). */
  readonly port?: number;
  /** Log lines (connection changes at info/warn, typed errors at error, redacted APDUs at debug). */
  readonly log?: VpcdLog;
  /** Redacted description of every APDU exchanged. */
  readonly onExchange?: (trace: ApduTrace) => void;
  /** First reconnect delay in ms (default 250); doubles on each failure up to `maxRetryMs` (default 5000). */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

/** Where the client is: trying to connect, in the reader, waiting to retry, or stopped for good. */
export type VpcdClientState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

/** Keeps one card in one vpcd reader until `stop()`. */
export class VpcdClient {
  private readonly host: string;
  private readonly port: number;
  private readonly log: VpcdLog;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private currentState: VpcdClientState = 'idle';
  private socket: Socket | undefined;
  private link: VpcdLink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private failuresInARow = 0;
  private closed: Promise<void> = Promise.resolve();
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly options: VpcdClientOptions) {
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? VPCD_BASE_PORT;
    this.log = options.log ?? silentLog;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.delay = this.retryMs;
  }

  /** The current connection state. */
  get state(): VpcdClientState {
    return this.currentState;
  }

  /** `host:port` of the reader this client serves. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Starts connecting (and keeps reconnecting) until `stop()`. */
  start(): void {
    if (this.currentState !== 'idle') return;
    this.connect();
  }

  /** Resolves the next time the card is in the reader (at once if it is); rejects if the client stops first. */
  whenConnected(): Promise<void> {
    if (this.currentState === 'connected') return Promise.resolve();
    if (this.currentState === 'stopped') return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Removes the card: closes the connection, powers the card off, stops reconnecting. Idempotent. */
  async stop(): Promise<void> {
    if (this.currentState !== 'stopped') {
      this.currentState = 'stopped';
      clearTimeout(this.timer);
      this.socket?.destroy();
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.stoppedError());
    }
    await this.closed;
  }

  private stoppedError(): VpcdError {
    return new VpcdError(VpcdErrorCode.VPCD_CONNECTION_LOST, `the card was removed from vpcd at ${this.address}`);
  }

  private connect(): void {
    this.currentState = 'connecting';
    const socket = createConnection({ host: this.host, port: this.port });
    this.socket = socket;
    let lastError: NodeJS.ErrnoException | undefined;
    let resolveClosed!: () => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));

    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (this.currentState === 'stopped') return;
      this.currentState = 'connected';
      this.delay = this.retryMs;
      this.failuresInARow = 0;
      this.log('info', `card inserted in vpcd reader at ${this.address}`);
      this.link = new VpcdLink({
        card: this.options.card,
        send: (frame) => {
          if (!socket.destroyed) socket.write(frame);
        },
        log: this.log,
        ...(this.options.onExchange ? { onExchange: this.options.onExchange } : {}),
      });
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    });
    socket.on('data', (chunk: Buffer) => this.link?.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on('error', (error) => (lastError = error));
    socket.on('close', () => {
      const link = this.link;
      this.link = undefined;
      this.socket = undefined;
      void this.afterClose(link, lastError).finally(resolveClosed);
    });
  }

  private async afterClose(link: VpcdLink | undefined, cause: NodeJS.ErrnoException | undefined): Promise<void> {
    if (link) {
      try {
        await link.close();
      } catch (error) {
        this.log('error', `powering the card off failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error : undefined);
      }
      if (this.currentState !== 'stopped') {
        this.log('warn', `vpcd at ${this.address} closed the connection (pcscd stopped or restarted?)`,
          new VpcdError(VpcdErrorCode.VPCD_CONNECTION_LOST, `connection to vpcd at ${this.address} lost`));
      } else {
        this.log('info', `card removed from vpcd reader at ${this.address}`);
      }
    } else if (this.currentState !== 'stopped') {
      this.failuresInARow++;
      const reason = cause?.code ?? cause?.message ?? 'closed';
      const error = new VpcdError(VpcdErrorCode.VPCD_UNREACHABLE,
        `vpcd at ${this.address} is not reachable (${reason}): is pcscd running with the vsmartcard-vpcd driver?`, { reason });
      // Say it once, then quietly keep trying: pcscd may simply not be started yet.
      this.log(this.failuresInARow === 1 ? 'warn' : 'debug', `${error.message} Retrying every ≤${this.maxRetryMs / 1000}s.`, error);
    }
    if (this.currentState === 'stopped') return;
    this.currentState = 'waiting';
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxRetryMs);
    this.timer = setTimeout(() => {
      if (this.currentState === 'waiting') this.connect();
    }, delay);
  }
}
