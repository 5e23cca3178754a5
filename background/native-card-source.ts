/**
 * The native-messaging PC/SC host as a card source (bridge/native-host-client): one long-lived
 * `runtime.connectNative` port while the source is in use — not a process per command — with reader and
 * card events watched on it, and one `NativeCardConnection` per card operation holding a PC/SC transaction
 * from SELECT through VERIFY to GENERAL AUTHENTICATE (the close resets the card, so no verified PIN outlives
 * the operation).
 *
 * When something on the way to the card is missing, `openCard` says exactly what, as a typed error:
 * - the host is not installed for this browser: `NATIVE_HOST_NOT_FOUND` (or `NATIVE_HOST_FORBIDDEN`);
 * - pcscd is not running: `PCSC_UNAVAILABLE`;
 * - PC/SC sees no reader: `NO_READER`;
 * - no reader holds a card: `NO_CARD` (card-wait.ts then shows "insert your card" and retries).
 * The options page asks `status()` for the same answer plus the reader list.
 */
import { NativeCardConnection } from '../bridge/native-host-client/card-connection.js';
import { NativeHostClient, type NativeHostClientOptions } from '../bridge/native-host-client/client.js';
import { diagnoseClient, diagnoseNativeHost, type NativeSetupReport } from '../bridge/native-host-client/diagnose.js';
import { type NativePort } from '../bridge/native-host-client/port.js';
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { CardError, CardErrorCode } from '../src/card-errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type NativeEvent, type ReaderInfo } from '../src/native-host-protocol.js';
import { type CardSource, RemovalListeners } from './card-source.js';
import { type Clock } from './clock.js';

/** How long the port stays open with no card operation before it is closed (ms). */
export const NATIVE_PORT_IDLE_MS = 5 * 60_000;

/** What the native source needs from the browser. */
export interface NativeCardSourceOptions {
  /** Opens the port: `() => browser.runtime.connectNative(NATIVE_HOST_NAME)`. */
  readonly connect: () => NativePort;
  readonly clock: Clock;
  /** Passed to the client (Chrome's `runtime.lastError` reader, timeouts). */
  readonly client?: NativeHostClientOptions;
  /** Idle time before the port is closed (ms, default `NATIVE_PORT_IDLE_MS`). */
  readonly idleMs?: number;
}

/** The native host source; `status()` is what the options page shows. */
export interface NativeCardSource extends CardSource {
  /** What is missing on the way to a card (null problem when a card is ready), with the readers seen. */
  status(): Promise<NativeSetupReport>;
  /** Closes the port (the host releases every card and exits); the next use opens a new one. */
  close(): void;
  /**
   * The holder chose another card source: closes the port now, or as soon as the card operation under way
   * on it ends (an operation is never cut off mid-way). Using the source again cancels a pending release.
   */
  release(): void;
}

/** The reader to use: the one used last if it still holds a card, else the first that holds one. */
export function pickReader(readers: readonly ReaderInfo[], last: string | null): ReaderInfo | null {
  const withCard = readers.filter((reader) => reader.card === 'present');
  return withCard.find((reader) => reader.name === last) ?? withCard[0] ?? null;
}

/** A card source over the native host. */
export function createNativeCardSource(options: NativeCardSourceOptions): NativeCardSource {
  const removals = new RemovalListeners();
  const idleMs = options.idleMs ?? NATIVE_PORT_IDLE_MS;
  let client: Promise<NativeHostClient> | null = null;
  /** Card operations opening or open on the port (`openCard` started, its connection not yet closed). */
  let openConnections = 0;
  /** `release()` was asked for: close the port when no operation uses it. */
  let released = false;
  let cancelIdle: (() => void) | null = null;
  let lastReader: string | null = null;

  const onEvent = (event: NativeEvent): void => {
    // Anything after which the card may have lost its state clears the PIN cache.
    if (event.kind === 'card-removed' || event.kind === 'reader-removed' || (event.kind === 'pcsc' && event.status === 'down')) removals.emit();
  };

  function current(): Promise<NativeHostClient> {
    if (client) return client;
    const attempt: Promise<NativeHostClient> = (async () => {
      const opened = await NativeHostClient.open(options.connect(), options.client);
      opened.onClose(() => {
        if (client === attempt) client = null; // the next operation starts the host again
        removals.emit(); // the host reset every card it held
      });
      try {
        await opened.watch(onEvent);
      } catch (error) {
        opened.close(); // a port that cannot watch is not kept: the next operation starts afresh
        throw error;
      }
      return opened;
    })().catch((error: unknown) => {
      if (client === attempt) client = null; // the next operation tries again (e.g. after `kyotsu host install`)
      throw error;
    });
    client = attempt;
    return attempt;
  }

  /** An operation ended or failed to open: close the port if it was released, else count idle time. */
  function settle(): void {
    if (released && openConnections === 0) close();
    else armIdle();
  }

  function armIdle(): void {
    cancelIdle?.();
    cancelIdle = null;
    if (openConnections > 0) return;
    cancelIdle = options.clock.after(idleMs, () => {
      cancelIdle = null;
      if (openConnections === 0) close();
    });
  }

  function close(): void {
    cancelIdle?.();
    cancelIdle = null;
    const closing = client;
    client = null;
    closing?.then(
      (opened) => opened.close(),
      () => undefined, // it never opened: nothing to close, and its opener already got the error
    );
  }

  async function openCard(): Promise<CardConnection> {
    released = false;
    openConnections += 1;
    cancelIdle?.();
    cancelIdle = null;
    let connection: NativeCardConnection;
    try {
      connection = await openOnHost();
    } catch (error) {
      openConnections -= 1;
      settle(); // released: close now; else the port idles out as after any operation (never held forever)
      throw error;
    }
    let closed = false;
    return {
      atr: connection.atr,
      transmit: (command) => connection.transmit(command),
      close: async () => {
        if (closed) return;
        closed = true;
        openConnections -= 1;
        try {
          await connection.close();
        } finally {
          settle();
        }
      },
    };
  }

  async function openOnHost(): Promise<NativeCardConnection> {
    const host = await current();
    const readers = await host.listReaders(); // PCSC_UNAVAILABLE when pcscd is not running
    if (readers.length === 0) throw new ExtensionError(ExtensionErrorCode.NO_READER, 'PC/SC sees no card reader: plug one in');
    const reader = pickReader(readers, lastReader);
    if (!reader) {
      throw new CardError(CardErrorCode.NO_CARD, `No card in ${readers.map((each) => `'${each.name}'`).join(', ')}: insert your card`, { readers: readers.length });
    }
    const connection = await NativeCardConnection.open(host, reader.name);
    lastReader = reader.name;
    return connection;
  }

  function release(): void {
    released = true;
    if (openConnections === 0) close();
  }

  async function status(): Promise<NativeSetupReport> {
    if (client !== null) {
      try {
        const report = await diagnoseClient(await client);
        armIdle();
        return report;
      } catch (error) {
        // The open port failed (host gone): the fresh check below says why in the user's terms.
        console.debug('kyotsu: native host status through the open port failed', error);
      }
    }
    return diagnoseNativeHost(options.connect, options.client);
  }

  return { kind: 'native', openCard, onCardRemoved: (listener) => removals.add(listener), status, close, release };
}
