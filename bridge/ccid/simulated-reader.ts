/**
 * A simulated USB CCID reader that implements the WebUSB `USBDevice` interface byte for byte around an
 * `IccCard`: descriptors (GET_DESCRIPTOR returns the raw configuration with the CCID functional descriptor),
 * open/claim/release/close with Chrome's exceptions, bulk transfers split into packets with a zero-length
 * packet after an exact multiple (USB 2.0 §5.8.3), interrupt NotifySlotChange on insert and remove, unplug.
 * The CCID driver runs against it unchanged; tests and benchmarks steer it (time extensions, card removal in
 * the middle of a command, a dropped or corrupted reply) and read its transfer counters.
 */
import { type IccCard } from '../transport/card-connection.js';
import { SMART_CARD_CLASS, VENDOR_CLASS, type ExchangeLevel } from './ccid-descriptor.js';
import { CCID_HEADER_LENGTH } from './ccid-message.js';
import {
  configurationDescriptorBytes,
  deviceDescriptorBytes,
  SimEndpoint,
  stringDescriptorBytes,
  webUsbConfiguration,
  type SimulatedDescriptorConfig,
} from './simulated-descriptors.js';
import { SimulatedCcidFirmware, type FirmwareStats } from './simulated-firmware.js';
import { DescriptorType, GET_DESCRIPTOR } from './usb-descriptors.js';

/** How the simulated reader presents itself and behaves. */
export interface SimulatedCcidReaderOptions {
  /** A card inserted from the start. */
  readonly card?: IccCard;
  /** dwFeatures exchange level (§5.1). Default 'short-apdu'. */
  readonly exchangeLevel?: ExchangeLevel;
  /** bInterfaceClass: 0xFF (vendor, the default, as WebUSB-reachable tokens use) or 0x0B (smart card). */
  readonly interfaceClass?: typeof VENDOR_CLASS | typeof SMART_CARD_CLASS;
  /** Behave like Chrome for an ordinary extension: claiming a class 0x0B interface throws SecurityError. */
  readonly refuseSmartCardClass?: boolean;
  readonly productName?: string | null;
  readonly manufacturerName?: string | null;
  readonly serialNumber?: string | null;
  readonly vendorId?: number;
  readonly productId?: number;
  /** dwMaxCCIDMessageLength (§5.1). Default 271 (a short APDU plus header); extended readers often use 3072+10. */
  readonly maxMessageLength?: number;
  /** wMaxPacketSize of the bulk endpoints. Default 64 (full speed). */
  readonly bulkPacketSize?: number;
  /** wMaxPacketSize of the interrupt endpoint. Default 8. */
  readonly interruptPacketSize?: number;
  /** Whether there is an interrupt-IN endpoint. Default true. */
  readonly interruptEndpoint?: boolean;
  /** dwFeatures "Automatic ICC voltage selection". Default true. */
  readonly autoVoltage?: boolean;
  /** Put the CCID functional descriptor after the endpoint descriptors (a vendor-token quirk). */
  readonly classDescriptorAfterEndpoints?: boolean;
  /** Number of time-extension replies to send before the answer to each command APDU (`Infinity`: never answer). */
  readonly timeExtensions?: (command: Uint8Array) => number;
  /** Pause before each time-extension reply (ms). Default 0: all at once. */
  readonly timeExtensionIntervalMs?: number;
  /** Send each reply's 10-byte header and its data as two separate transfers (a quirk of some readers). */
  readonly splitReplyAfterHeader?: boolean;
  /** Added delay before each bulk transfer completes, to model the bus (ms). Default 0. */
  readonly transferLatencyMs?: number;
}

/** USB traffic counters, for benchmarks. */
export interface SimulatedReaderStats extends FirmwareStats {
  controlTransfers: number;
  bulkOutTransfers: number;
  bulkInTransfers: number;
  interruptTransfers: number;
  bulkOutPackets: number;
  bulkInPackets: number;
}

interface Waiter {
  readonly length: number;
  readonly resolve: (result: USBInTransferResult) => void;
  readonly reject: (error: unknown) => void;
}

/** An IN endpoint: a queue of packets and the transfers waiting for them. */
class InEndpoint {
  readonly packets: Uint8Array[] = [];
  readonly waiters: Waiter[] = [];
  constructor(
    readonly packetSize: number,
    private readonly onPackets: (count: number) => void,
  ) {}

  /** Queues a message as packets; a zero-length packet ends a message of an exact multiple (USB 2.0 §5.8.3). */
  push(message: Uint8Array): void {
    for (let offset = 0; offset < message.length; offset += this.packetSize) {
      this.packets.push(message.slice(offset, offset + this.packetSize));
    }
    if (message.length % this.packetSize === 0) this.packets.push(new Uint8Array(0));
    this.flush();
  }

  /** Serves waiting transfers: packets up to the requested length, ending at a short packet. */
  flush(): void {
    while (this.waiters.length > 0 && this.packets.length > 0) {
      const waiter = this.waiters.shift()!;
      const taken: Uint8Array[] = [];
      let total = 0;
      let status: USBTransferStatus = 'ok';
      while (this.packets.length > 0) {
        const packet = this.packets[0]!;
        if (total + packet.length > waiter.length) {
          if (taken.length === 0) {
            // The device sent more than the host asked for: babble (USB 2.0 §8.4.4 "Babble").
            this.packets.shift();
            status = 'babble';
            taken.push(packet.subarray(0, waiter.length));
          }
          break;
        }
        this.packets.shift();
        taken.push(packet);
        total += packet.length;
        // A transfer completes on a short packet or once it has the length the host asked for.
        if (packet.length < this.packetSize || total === waiter.length) break;
      }
      this.onPackets(taken.length);
      const data = new Uint8Array(taken.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of taken) {
        data.set(p, at);
        at += p.length;
      }
      waiter.resolve({ status, data: new DataView(data.buffer) });
    }
  }

  /** Rejects every waiting transfer. */
  abort(error: () => unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error());
  }
}

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

const DISCONNECTED = (): DOMException => domError('NotFoundError', 'The device was disconnected.');
const NOT_OPENED = (): DOMException => domError('InvalidStateError', 'The device must be opened first.');
const CANCELLED = (): DOMException => domError('AbortError', 'The transfer was cancelled.');
const BAD_ENDPOINT = (): DOMException =>
  domError('NotFoundError', 'The specified endpoint is not part of a claimed and selected alternate interface.');

/** The simulated reader: a `USBDevice` that answers like an APDU-level CCID reader. */
export class SimulatedCcidReader implements USBDevice {
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 0;
  readonly usbVersionSubminor = 0;
  readonly deviceClass = 0;
  readonly deviceSubclass = 0;
  readonly deviceProtocol = 0;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor = 1;
  readonly deviceVersionMinor = 0;
  readonly deviceVersionSubminor = 0;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
  readonly serialNumber: string | null;
  readonly configurations: USBConfiguration[];
  /** USB traffic counters; `resetStats()` zeroes them. */
  readonly stats: SimulatedReaderStats;

  private readonly descriptorConfig: SimulatedDescriptorConfig;
  private readonly firmware: SimulatedCcidFirmware;
  private readonly bulkIn: InEndpoint;
  private readonly interruptIn: InEndpoint;
  private readonly refuseSmartCardClass: boolean;
  private readonly latencyMs: number;
  private readonly splitReplyAfterHeader: boolean;
  private readonly unplugListeners = new Set<(device: SimulatedCcidReader) => void>();
  private isOpened = false;
  private claimed = false;
  private unplugged = false;
  private configured = true;
  private dropReplies = 0;
  private interruptStalls = 0;
  private replyMutator: ((message: Uint8Array) => Uint8Array) | undefined;

  constructor(options: SimulatedCcidReaderOptions = {}) {
    const exchangeLevel = options.exchangeLevel ?? 'short-apdu';
    this.descriptorConfig = {
      vendorId: options.vendorId ?? 0x1209,
      productId: options.productId ?? 0x4b59,
      interfaceClass: options.interfaceClass ?? VENDOR_CLASS,
      exchangeLevel,
      maxMessageLength: options.maxMessageLength ?? 271,
      bulkPacketSize: options.bulkPacketSize ?? 64,
      interruptPacketSize: options.interruptPacketSize ?? 8,
      interruptEndpoint: options.interruptEndpoint ?? true,
      autoVoltage: options.autoVoltage ?? true,
      classDescriptorAfterEndpoints: options.classDescriptorAfterEndpoints ?? false,
    };
    this.vendorId = this.descriptorConfig.vendorId;
    this.productId = this.descriptorConfig.productId;
    this.productName = options.productName === undefined ? 'Kyotsu Simulated CCID Reader' : options.productName;
    this.manufacturerName = options.manufacturerName === undefined ? 'kyotsu' : options.manufacturerName;
    this.serialNumber = options.serialNumber === undefined ? 'SIM0001' : options.serialNumber;
    this.refuseSmartCardClass = options.refuseSmartCardClass ?? false;
    this.latencyMs = options.transferLatencyMs ?? 0;
    this.splitReplyAfterHeader = options.splitReplyAfterHeader ?? false;
    this.configurations = [webUsbConfiguration(this.descriptorConfig, () => this.claimed)];
    this.firmware = new SimulatedCcidFirmware(
      {
        exchangeLevel,
        maxMessageLength: this.descriptorConfig.maxMessageLength,
        timeExtensions: options.timeExtensions,
        timeExtensionIntervalMs: options.timeExtensionIntervalMs,
      },
      { bulk: (message) => this.reply(message), interrupt: (message) => this.notify(message) },
    );
    this.stats = { ...this.firmware.stats, ...zeroUsbStats() };
    this.bulkIn = new InEndpoint(this.descriptorConfig.bulkPacketSize, (n) => (this.stats.bulkInPackets += n));
    this.interruptIn = new InEndpoint(this.descriptorConfig.interruptPacketSize, () => undefined);
    if (options.card) this.firmware.insertCard(options.card);
  }

  // ——— steering (tests and benchmarks) ———

  /** Inserts a card: the host gets RDR_to_PC_NotifySlotChange (§6.3.1). */
  insertCard(card: IccCard): void {
    this.firmware.insertCard(card);
  }

  /** Pulls the card out, answering a command in progress with "no ICC present". */
  removeCard(): void {
    this.firmware.removeCard();
  }

  /** True while a card is in the slot. */
  get cardPresent(): boolean {
    return this.firmware.cardPresent;
  }

  /** Pulls the card out while the card is working on the next APDU matching `match` (default: any). */
  removeCardDuringCommand(match: (command: Uint8Array) => boolean = () => true): void {
    this.firmware.armDuringCommand(match, () => this.firmware.removeCard());
  }

  /** Unplugs the reader while the card is working on the next APDU matching `match` (default: any). */
  unplugDuringCommand(match: (command: Uint8Array) => boolean = () => true): void {
    this.firmware.armDuringCommand(match, () => this.unplug());
  }

  /** The next `count` bulk-IN messages are never sent (a reader that stops answering). */
  dropNextReplies(count = 1): void {
    this.dropReplies += count;
  }

  /** The next `count` interrupt-IN transfers end with status 'stall' (a halted endpoint). */
  stallInterrupt(count: number): void {
    this.interruptStalls += count;
  }

  /** The next bulk-IN message goes through `mutate` first (a reader with a bug). */
  corruptNextReply(mutate: (message: Uint8Array) => Uint8Array): void {
    this.replyMutator = mutate;
  }

  /**
   * Unplugs the reader: pending transfers fail with NotFoundError "The device was disconnected.", the device
   * is closed, later calls fail, and unplug listeners (the fake `USB`'s disconnect event) run.
   */
  unplug(): void {
    if (this.unplugged) return;
    this.unplugged = true;
    this.isOpened = false;
    this.claimed = false;
    this.firmware.halt();
    this.bulkIn.abort(DISCONNECTED);
    this.interruptIn.abort(DISCONNECTED);
    for (const listener of [...this.unplugListeners]) listener(this);
  }

  /** Calls `listener` when the reader is unplugged; returns the unsubscribe function. */
  onUnplug(listener: (device: SimulatedCcidReader) => void): () => void {
    this.unplugListeners.add(listener);
    return () => this.unplugListeners.delete(listener);
  }

  /** Sends a raw interrupt-IN message (for example a malformed one) to a host that has the interface claimed. */
  injectInterrupt(message: Uint8Array): void {
    this.notify(message);
  }

  /** Zeroes the traffic counters. */
  resetStats(): void {
    Object.assign(this.stats, zeroUsbStats(), { apdus: 0, timeExtensionsSent: 0 });
    Object.assign(this.firmware.stats, { apdus: 0, timeExtensionsSent: 0 });
  }

  /** Errors the card threw while the reader drove it (the host saw a mute card). */
  get cardErrors(): readonly unknown[] {
    return this.firmware.cardErrors;
  }

  private reply(message: Uint8Array): void {
    // A reply to a command the host abandoned by closing the device is lost with the host's session.
    if (!this.claimed) return;
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return;
    }
    const mutate = this.replyMutator;
    this.replyMutator = undefined;
    const bytes = mutate ? mutate(message) : message;
    if (this.splitReplyAfterHeader && bytes.length > CCID_HEADER_LENGTH) {
      this.bulkIn.push(bytes.subarray(0, CCID_HEADER_LENGTH));
      this.bulkIn.push(bytes.subarray(CCID_HEADER_LENGTH));
    } else {
      this.bulkIn.push(bytes);
    }
    this.syncFirmwareStats();
  }

  private notify(message: Uint8Array): void {
    // A notification only reaches a host that has the interface claimed; the endpoint keeps the latest few.
    if (!this.claimed || !this.descriptorConfig.interruptEndpoint) return;
    this.interruptIn.push(message);
    if (this.interruptIn.packets.length > 16) this.interruptIn.packets.splice(0, this.interruptIn.packets.length - 16);
  }

  private syncFirmwareStats(): void {
    this.stats.apdus = this.firmware.stats.apdus;
    this.stats.timeExtensionsSent = this.firmware.stats.timeExtensionsSent;
  }

  // ——— USBDevice ———

  get opened(): boolean {
    return this.isOpened;
  }

  get configuration(): USBConfiguration | null {
    return this.configured ? this.configurations[0]! : null;
  }

  private checkOpen(): void {
    if (this.unplugged) throw DISCONNECTED();
    if (!this.isOpened) throw NOT_OPENED();
  }

  private checkClaimed(endpoint: number, direction: USBDirection): void {
    this.checkOpen();
    const known =
      direction === 'out'
        ? endpoint === (SimEndpoint.BULK_OUT & 0x0f)
        : endpoint === (SimEndpoint.BULK_IN & 0x0f) || (this.descriptorConfig.interruptEndpoint && endpoint === (SimEndpoint.INTERRUPT_IN & 0x0f));
    if (!this.claimed || !known) throw BAD_ENDPOINT();
  }

  private async latency(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  async open(): Promise<void> {
    await Promise.resolve();
    if (this.unplugged) throw DISCONNECTED();
    this.isOpened = true;
  }

  async close(): Promise<void> {
    await Promise.resolve();
    if (this.unplugged) throw DISCONNECTED();
    this.release();
    this.isOpened = false;
  }

  async forget(): Promise<void> {
    if (this.isOpened && !this.unplugged) await this.close();
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    await Promise.resolve();
    this.checkOpen();
    if (configurationValue !== 1) throw domError('NotFoundError', 'The configuration value provided is not supported by the device.');
    this.configured = true;
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    await Promise.resolve();
    this.checkOpen();
    if (interfaceNumber !== 0) {
      throw domError('NotFoundError', 'The interface number provided is not supported by the device in its current configuration.');
    }
    if (this.refuseSmartCardClass && this.descriptorConfig.interfaceClass === SMART_CARD_CLASS) {
      // What Chrome says to an ordinary extension for the protected smart-card class.
      throw domError('SecurityError', 'The requested interface implements a protected class.');
    }
    this.claimed = true;
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    await Promise.resolve();
    this.checkOpen();
    if (interfaceNumber !== 0) {
      throw domError('NotFoundError', 'The interface number provided is not supported by the device in its current configuration.');
    }
    this.release();
  }

  private release(): void {
    this.claimed = false;
    this.bulkIn.abort(CANCELLED);
    this.interruptIn.abort(CANCELLED);
    this.bulkIn.packets.length = 0;
    this.interruptIn.packets.length = 0;
    this.firmware.hostGone();
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    await Promise.resolve();
    this.checkOpen();
    if (interfaceNumber !== 0 || alternateSetting !== 0 || !this.claimed) {
      throw domError('NotFoundError', 'The alternate setting provided is not supported by the device in its current configuration.');
    }
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    await Promise.resolve();
    this.checkOpen();
    this.stats.controlTransfers++;
    const bytes = this.controlIn(setup);
    if (!bytes) return { status: 'stall' };
    const data = bytes.slice(0, length);
    return { status: 'ok', data: new DataView(data.buffer) };
  }

  private controlIn(setup: USBControlTransferParameters): Uint8Array | undefined {
    if (setup.requestType !== 'standard' || setup.recipient !== 'device' || setup.request !== GET_DESCRIPTOR) return undefined;
    const type = setup.value >>> 8;
    const index = setup.value & 0xff;
    if (type === DescriptorType.DEVICE) return deviceDescriptorBytes(this.descriptorConfig);
    if (type === DescriptorType.CONFIGURATION && index === 0) return configurationDescriptorBytes(this.descriptorConfig);
    if (type === DescriptorType.STRING) {
      const strings = [null, this.manufacturerName, this.productName, this.serialNumber];
      if (index === 0) return stringDescriptorBytes(null);
      const text = strings[index];
      return typeof text === 'string' ? stringDescriptorBytes(text) : undefined;
    }
    return undefined;
  }

  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    await Promise.resolve();
    this.checkOpen();
    this.stats.controlTransfers++;
    // CCID §5.3.1 ABORT (class request 0x01 to the interface): accepted, nothing is ever in flight to abort.
    if (setup.requestType === 'class' && setup.recipient === 'interface' && setup.request === 0x01 && this.claimed) {
      return { status: 'ok', bytesWritten: data ? data.byteLength : 0 };
    }
    return { status: 'stall', bytesWritten: 0 };
  }

  async clearHalt(direction: USBDirection, endpointNumber: number): Promise<void> {
    await Promise.resolve();
    this.checkClaimed(endpointNumber, direction);
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    await Promise.resolve();
    this.checkClaimed(endpointNumber, 'in');
    const interrupt = endpointNumber === (SimEndpoint.INTERRUPT_IN & 0x0f);
    if (interrupt) this.stats.interruptTransfers++;
    else this.stats.bulkInTransfers++;
    if (interrupt && this.interruptStalls > 0) {
      this.interruptStalls--;
      return { status: 'stall' };
    }
    if (!interrupt) await this.latency();
    const endpoint = interrupt ? this.interruptIn : this.bulkIn;
    return new Promise<USBInTransferResult>((resolve, reject) => {
      if (this.unplugged) {
        reject(DISCONNECTED());
        return;
      }
      endpoint.waiters.push({ length, resolve, reject });
      endpoint.flush();
    });
  }

  async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    await Promise.resolve();
    this.checkClaimed(endpointNumber, 'out');
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    this.stats.bulkOutTransfers++;
    this.stats.bulkOutPackets += Math.max(1, Math.ceil(bytes.length / this.descriptorConfig.bulkPacketSize));
    await this.latency();
    if (this.unplugged) throw DISCONNECTED();
    this.firmware.receive(bytes);
    return { status: 'ok', bytesWritten: bytes.length };
  }

  isochronousTransferIn(): Promise<USBIsochronousInTransferResult> {
    return Promise.reject(BAD_ENDPOINT());
  }

  isochronousTransferOut(): Promise<USBIsochronousOutTransferResult> {
    return Promise.reject(BAD_ENDPOINT());
  }

  async reset(): Promise<void> {
    await Promise.resolve();
    this.checkOpen();
    this.release();
  }
}

function zeroUsbStats(): Omit<SimulatedReaderStats, keyof FirmwareStats> {
  return { controlTransfers: 0, bulkOutTransfers: 0, bulkInTransfers: 0, interruptTransfers: 0, bulkOutPackets: 0, bulkInPackets: 0 };
}
