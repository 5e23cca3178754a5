/**
 * The WebUSB CCID driver (USB CCID Rev 1.1). `CcidReader.open(device)` finds the CCID interface, reads the
 * class descriptor with GET_DESCRIPTOR (WebUSB hides it), refuses readers it cannot drive, claims the
 * interface and listens for RDR_to_PC_NotifySlotChange; `connect()` powers the card and returns a
 * `CardConnection`. Every failure is a typed error and every transfer has a timeout.
 *
 * One cleanup path: `close()` (or a fatal error: unplug, timeout) stops the interrupt listener, releases the
 * interface and closes the device, once.
 */
import { type KyotsuError } from '../../src/errors.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { cardError, protocolError, readerError } from './ccid-errors.js';
import { powerOn, type CcidCardConnection } from './ccid-connection.js';
import { exchangeLevel, type CcidDescriptor, type ExchangeLevel } from './ccid-descriptor.js';
import { decodeInterrupt } from './ccid-interrupt.js';
import { locateCcidInterface, type CcidInterface } from './ccid-interface.js';
import { type IccStatus } from './ccid-message.js';
import { CcidPipe, type PipeStats } from './ccid-pipe.js';
import { replyError } from './ccid-status.js';
import { DescriptorType, GET_DESCRIPTOR, parseConfigurationDescriptor } from './usb-descriptors.js';
import { mapUsbError, withTimeout, type UsbOperation } from './usb-errors.js';

/** Options of `CcidReader.open`. */
export interface CcidReaderOptions {
  /** Longest wait for any single USB transfer (ms). Default 10 000. */
  readonly transferTimeoutMs?: number;
  /** Longest time one command may take including time extensions (ms). Default 120 000. */
  readonly commandTimeoutMs?: number;
  /** Slot index (§5.1 bMaxSlotIndex). Default 0. */
  readonly slot?: number;
  /**
   * `navigator.usb` (or a fake): its `disconnect` event for this device ends everything at once with
   * READER_UNPLUGGED, even when no transfer is pending.
   */
  readonly usb?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Poll interval of `waitForCard` on readers without an interrupt endpoint (ms). Default 250. */
  readonly pollIntervalMs?: number;
}

/** Something that happened to the reader or its card. */
export type CcidReaderEvent =
  /** RDR_to_PC_NotifySlotChange: a card was inserted (§6.3.1). */
  | { readonly type: 'card-inserted' }
  /** RDR_to_PC_NotifySlotChange: the card was removed (§6.3.1). */
  | { readonly type: 'card-removed' }
  /** The reader is gone; the `CcidReader` is closed. */
  | { readonly type: 'reader-unplugged' }
  /** RDR_to_PC_HardwareError (§6.3.2), e.g. code 1 = overcurrent. */
  | { readonly type: 'hardware-error'; readonly code: number }
  /** A malformed interrupt message was ignored. */
  | { readonly type: 'notification-error'; readonly error: KyotsuError };

/** Options of `waitForCard`. */
export interface WaitForCardOptions {
  /** Give up after this long with NO_CARD (ms). Default 60 000. */
  readonly timeoutMs?: number;
  /** Abort the wait; rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

const GET_DESCRIPTOR_TIMEOUT_FLOOR_MS = 1000;

/** The display name of a device in messages: its product name, or vendor:product ids. */
export function readerName(device: USBDevice): string {
  const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
  return device.productName?.trim() || `USB device ${hex4(device.vendorId)}:${hex4(device.productId)}`;
}

async function guarded<T>(operation: UsbOperation, device: USBDevice, reader: string, ms: number, call: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(call(), ms, operation, reader);
  } catch (error) {
    throw mapUsbError(error, operation, reader, device);
  }
}

/** Reads the active configuration's full descriptor: GET_DESCRIPTOR(CONFIGURATION) twice (USB 2.0 §9.4.3). */
async function readConfigurationDescriptor(device: USBDevice, reader: string, ms: number): Promise<Uint8Array> {
  const active = device.configuration?.configurationValue;
  // GET_DESCRIPTOR addresses configurations by index, not by bConfigurationValue (USB 2.0 §9.4.3).
  const index = Math.max(0, device.configurations.findIndex((c) => c.configurationValue === active));
  const read = async (length: number): Promise<Uint8Array> => {
    const setup: USBControlTransferParameters = {
      requestType: 'standard',
      recipient: 'device',
      request: GET_DESCRIPTOR,
      value: (DescriptorType.CONFIGURATION << 8) | index,
      index: 0,
    };
    const result = await guarded('controlTransferIn', device, reader, ms, () => device.controlTransferIn(setup, length));
    if (result.status !== 'ok' || !result.data) throw protocolError(`${reader} refused GET_DESCRIPTOR(CONFIGURATION): ${result.status}`, { reader });
    return new Uint8Array(result.data.buffer.slice(result.data.byteOffset, result.data.byteOffset + result.data.byteLength));
  };
  const head = await read(9);
  if (head.length < 4) throw protocolError(`${reader} returned a ${head.length}-byte configuration descriptor`, { reader });
  const total = head[2]! | (head[3]! << 8);
  return read(total);
}

/** An open CCID reader: card events, slot status and connections to the card. */
export class CcidReader {
  /** The reader's name (product name), used in every error message. */
  readonly name: string;
  /** The exchange level: only APDU-level readers are opened (§5.1 dwFeatures). */
  readonly exchangeLevel: Extract<ExchangeLevel, 'short-apdu' | 'extended-apdu'>;
  private readonly pipe: CcidPipe;
  private readonly listeners = new Set<(event: CcidReaderEvent) => void>();
  private readonly slot: number;
  private readonly pollIntervalMs: number;
  private connection: CcidCardConnection | undefined;
  private listening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private cardPresent: boolean | undefined;
  private readonly onUsbDisconnect = (event: Event): void => {
    if ((event as Event & { device?: unknown }).device === this.device) {
      this.pipe.fail(cardError(CardErrorCode.READER_UNPLUGGED, `${this.name} was unplugged`, { reader: this.name }));
    }
  };

  private constructor(
    /** The underlying WebUSB device. */
    readonly device: USBDevice,
    /** The CCID interface in use, with its class descriptor. */
    readonly ccidInterface: CcidInterface,
    level: Extract<ExchangeLevel, 'short-apdu' | 'extended-apdu'>,
    private readonly options: CcidReaderOptions,
  ) {
    this.name = readerName(device);
    this.exchangeLevel = level;
    this.slot = options.slot ?? 0;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.pipe = new CcidPipe(
      device,
      ccidInterface,
      this.name,
      { transferTimeoutMs: options.transferTimeoutMs ?? 10_000, commandTimeoutMs: options.commandTimeoutMs ?? 120_000 },
      (error) => this.onFatal(error),
    );
  }

  /**
   * Opens `device` as a CCID reader. Rejects with READER_UNSUPPORTED (no CCID interface, TPDU or character
   * level, no such slot), TRANSPORT_REFUSED (the browser or OS refuses the interface), READER_UNPLUGGED or
   * TRANSPORT_TIMEOUT. On failure the device is left closed if this call opened it.
   */
  static async open(device: USBDevice, options: CcidReaderOptions = {}): Promise<CcidReader> {
    const name = readerName(device);
    const ms = Math.max(options.transferTimeoutMs ?? 10_000, GET_DESCRIPTOR_TIMEOUT_FLOOR_MS);
    const openedHere = !device.opened;
    let claimed: number | undefined;
    try {
      if (openedHere) await guarded('open', device, name, ms, () => device.open());
      if (device.configuration === null) {
        const first = device.configurations[0];
        if (!first) throw cardError(CardErrorCode.READER_UNSUPPORTED, `${name} has no USB configuration`, { reader: name });
        await guarded('selectConfiguration', device, name, ms, () => device.selectConfiguration(first.configurationValue));
      }
      const raw = parseConfigurationDescriptor(await readConfigurationDescriptor(device, name, ms));
      const iface = locateCcidInterface(device, raw, name);
      const level = CcidReader.checkSupported(iface.descriptor, name, options.slot ?? 0);
      await guarded('claimInterface', device, name, ms, () => device.claimInterface(iface.interfaceNumber));
      claimed = iface.interfaceNumber;
      if (iface.alternateSetting !== 0) {
        await guarded('claimInterface', device, name, ms, () => device.selectAlternateInterface(iface.interfaceNumber, iface.alternateSetting));
      }
      const reader = new CcidReader(device, iface, level, options);
      try {
        await reader.start();
      } catch (error) {
        await reader.close();
        throw error;
      }
      return reader;
    } catch (error) {
      await CcidReader.undoOpen(device, openedHere, claimed);
      throw error;
    }
  }

  /** The exchange level must be APDU (§5.1 Table 5.1-1 dwFeatures); TPDU and character level are refused. */
  private static checkSupported(descriptor: CcidDescriptor, name: string, slot: number): Extract<ExchangeLevel, 'short-apdu' | 'extended-apdu'> {
    const level = exchangeLevel(descriptor.features);
    if (level === 'tpdu' || level === 'character') {
      throw cardError(
        CardErrorCode.READER_UNSUPPORTED,
        `${name} exchanges ${level === 'tpdu' ? 'TPDUs' : 'characters'} with the host, and kyotsu drives only APDU-level CCID readers over WebUSB; ` +
          'use the kyotsu native host (PC/SC) for this reader',
        { reader: name, exchangeLevel: level, dwFeatures: descriptor.features },
      );
    }
    if (slot > descriptor.maxSlotIndex) {
      throw cardError(CardErrorCode.READER_UNSUPPORTED, `${name} has no slot ${slot} (bMaxSlotIndex ${descriptor.maxSlotIndex})`, {
        reader: name,
      });
    }
    return level;
  }

  private static async undoOpen(device: USBDevice, openedHere: boolean, claimed: number | undefined): Promise<void> {
    // Best effort on an already failing path: the original error is what the caller needs to see.
    if (claimed !== undefined) await device.releaseInterface(claimed).catch((error: unknown) => error);
    if (openedHere && device.opened) await device.close().catch((error: unknown) => error);
  }

  private async start(): Promise<void> {
    this.options.usb?.addEventListener('disconnect', this.onUsbDisconnect);
    if (this.ccidInterface.interruptIn) this.listening = this.listen(this.ccidInterface.interruptIn.number, this.ccidInterface.interruptIn.packetSize);
    this.cardPresent = (await this.slotStatus()) !== 'absent';
  }

  /** USB transfer counters of the command pipe (for benchmarks). */
  get stats(): Readonly<PipeStats> {
    return this.pipe.stats;
  }

  /** The class descriptor's dwMaxCCIDMessageLength and friends (§5.1). */
  get descriptor(): CcidDescriptor {
    return this.ccidInterface.descriptor;
  }

  /** Subscribes to card and reader events; returns the unsubscribe function. */
  onCardEvent(listener: (event: CcidReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CcidReaderEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** PC_to_RDR_GetSlotStatus (§6.1.3): whether a card is in the slot and powered. */
  async slotStatus(): Promise<IccStatus> {
    const reply = await this.pipe.exclusive((send) => send({ type: 'GetSlotStatus', slot: this.slot }));
    const error = replyError(reply, 'slot-status', this.name);
    // Some readers fail GetSlotStatus on an empty slot but still report bmICCStatus 2; that answer is valid.
    if (error && reply.iccStatus !== 'absent') throw error;
    this.cardPresent = reply.iccStatus !== 'absent';
    return reply.iccStatus;
  }

  /**
   * Powers the card up and returns a `CardConnection` (§6.1.1). Rejects with NO_CARD when the slot is empty.
   * The connection's `close()` powers the card down and leaves the reader open, unless `closeReader` is set.
   */
  async connect(options: { readonly closeReader?: boolean } = {}): Promise<CcidCardConnection> {
    const descriptor = this.ccidInterface.descriptor;
    const connection = await powerOn(
      {
        pipe: this.pipe,
        reader: this.name,
        slot: this.slot,
        level: this.exchangeLevel,
        features: descriptor.features,
        voltageSupport: descriptor.voltageSupport,
      },
      async () => {
        if (this.connection === connection) this.connection = undefined;
        if (options.closeReader) await this.close();
      },
    );
    // Power-on reset the card (§6.1.1): an older connection's session on it is gone.
    this.connection?.supersede();
    this.connection = connection;
    this.cardPresent = true;
    return connection;
  }

  /**
   * Resolves once a card is in the slot: at once if one is there, else on RDR_to_PC_NotifySlotChange (or by
   * polling GetSlotStatus on readers without an interrupt endpoint). Rejects with NO_CARD after the timeout,
   * READER_UNPLUGGED if the reader goes, or the signal's reason.
   */
  async waitForCard(options: WaitForCardOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    options.signal?.throwIfAborted();
    let active = true;
    let stop: (() => void) | undefined;
    const waited = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(cardError(CardErrorCode.NO_CARD, `no card was inserted into ${this.name} within ${timeoutMs} ms`, { reader: this.name })),
        timeoutMs,
      );
      const onAbort = (): void => {
        const reason: unknown = options.signal?.reason;
        reject(reason instanceof Error ? reason : new DOMException('The wait for a card was aborted.', 'AbortError'));
      };
      options.signal?.addEventListener('abort', onAbort);
      const unsubscribe = this.onCardEvent((event) => {
        if (event.type === 'card-inserted') resolve();
        if (event.type === 'reader-unplugged') reject(this.unusable());
      });
      stop = () => {
        active = false;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        unsubscribe();
      };
    });
    // `waited` may settle while the slot status below is still being asked; it is awaited after that.
    waited.catch(() => undefined);
    try {
      // Subscribed first, then asked: an insertion between the two is not lost.
      if ((await this.slotStatus()) !== 'absent') return;
      if (this.ccidInterface.interruptIn) return await waited;
      return await Promise.race([waited, this.pollForCard(() => active)]);
    } finally {
      stop?.();
    }
  }

  private unusable(): KyotsuError {
    return this.pipe.failed ?? cardError(CardErrorCode.CONNECTION_CLOSED, `${this.name} is closed`, { reader: this.name });
  }

  /** Polls GetSlotStatus until a card is present or `active()` turns false (readers without interrupt-IN). */
  private async pollForCard(active: () => boolean): Promise<void> {
    while (active()) {
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
      if (!active()) return;
      if ((await this.slotStatus()) !== 'absent') return;
    }
  }

  /** Reads RDR_to_PC_NotifySlotChange / HardwareError from the interrupt endpoint until closed (§6.3). */
  private async listen(endpoint: number, packetSize: number): Promise<void> {
    let failures = 0;
    while (!this.closing && !this.pipe.failed) {
      let result: USBInTransferResult;
      try {
        result = await this.device.transferIn(endpoint, packetSize);
      } catch (error) {
        if (this.closing) return;
        const mapped = mapUsbError(error, 'transferIn', this.name, this.device);
        // Only an unplug ends the reader; anything else stops event delivery (waitForCard then times out).
        if (mapped.code === CardErrorCode.READER_UNPLUGGED) this.pipe.fail(mapped);
        else this.emit({ type: 'notification-error', error: mapped });
        return;
      }
      if (result.status !== 'ok') {
        // A stalled or babbling interrupt pipe: clear the halt and retry a few times, then stop listening.
        if (++failures > 3 || !(await this.clearInterruptHalt(endpoint))) {
          this.emit({
            type: 'notification-error',
            error: readerError(`the interrupt endpoint of ${this.name} keeps failing (${result.status}); card events stop`, { reader: this.name }),
          });
          return;
        }
        continue;
      }
      failures = 0;
      if (!result.data || result.data.byteLength === 0) continue;
      this.onInterrupt(new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength));
    }
  }

  private async clearInterruptHalt(endpoint: number): Promise<boolean> {
    try {
      await withTimeout(this.device.clearHalt('in', endpoint), this.options.transferTimeoutMs ?? 10_000, 'clearHalt', this.name);
      return true;
    } catch (error) {
      this.emit({ type: 'notification-error', error: mapUsbError(error, 'transferIn', this.name, this.device) });
      return false;
    }
  }

  private onInterrupt(bytes: Uint8Array): void {
    let message;
    try {
      message = decodeInterrupt(bytes);
    } catch (error) {
      this.emit({ type: 'notification-error', error: error as KyotsuError });
      return;
    }
    if (message.type === 'HardwareError') {
      if (message.slot === this.slot) this.emit({ type: 'hardware-error', code: message.code });
      return;
    }
    const slot = message.slots[this.slot];
    if (!slot) return;
    // §6.3.1: bit 2n = ICC present, bit 2n+1 = changed since the last notification (covers remove-and-insert).
    const wasPresent = this.cardPresent === true;
    if (wasPresent && (!slot.present || slot.changed)) {
      this.connection?.markRemoved();
      this.emit({ type: 'card-removed' });
    }
    this.cardPresent = slot.present;
    if (slot.present && (!wasPresent || slot.changed)) this.emit({ type: 'card-inserted' });
  }

  private onFatal(error: KyotsuError): void {
    if (error.code === CardErrorCode.READER_UNPLUGGED) {
      this.connection?.markRemoved();
      this.emit({ type: 'reader-unplugged' });
    }
    // A timeout leaves a transfer pending that WebUSB cannot cancel: closing the device aborts it.
    this.close().catch((closeError: unknown) => {
      this.emit({ type: 'notification-error', error: mapUsbError(closeError, 'close', this.name, this.device) });
    });
  }

  /**
   * Releases the interface and closes the device; idempotent. A card connection is not powered down here
   * (close the connection first). Rejects only if a device that is still there refuses to close.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.pipe.markClosed();
    this.options.usb?.removeEventListener('disconnect', this.onUsbDisconnect);
    let failure: unknown;
    if (this.device.opened) {
      // Releasing the interface and closing the device abort the pending interrupt and bulk transfers.
      await this.device.releaseInterface(this.ccidInterface.interfaceNumber).catch((error: unknown) => (failure ??= error));
      await this.device.close().catch((error: unknown) => (failure ??= error));
    }
    await this.listening;
    // A reader that was unplugged cannot be released or closed; that is the expected end, not an error.
    if (failure !== undefined && this.pipe.failed?.code !== CardErrorCode.READER_UNPLUGGED && this.device.opened) {
      throw mapUsbError(failure, 'close', this.name, this.device, true);
    }
  }
}

/**
 * Opens the reader, connects to the card in it and returns a connection whose `close()` powers the card
 * down and closes the reader too: the one-call path for a login. Rejects with NO_CARD if the slot is empty.
 */
export async function connectCcidCard(device: USBDevice, options: CcidReaderOptions = {}): Promise<CcidCardConnection> {
  const reader = await CcidReader.open(device, options);
  try {
    return await reader.connect({ closeReader: true });
  } catch (error) {
    await reader.close();
    throw error;
  }
}
