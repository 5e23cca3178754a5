/**
 * The "firmware" of the simulated CCID reader: it takes bulk-OUT bytes, decodes PC_to_RDR messages
 * (USB CCID Rev 1.1 §6.1), drives an `IccCard` and answers with RDR_to_PC messages (§6.2) and
 * NotifySlotChange (§6.3.1) exactly as an APDU-level reader does, one command at a time.
 *
 * TPDU- and character-level configurations exist only so the driver's refusal can be tested: this firmware
 * does not implement T=0/T=1 framing and answers XfrBlock on them with "command not supported".
 */
import { concatBytes } from '../../src/bytes.js';
import { type IccCard } from '../transport/card-connection.js';
import { type ExchangeLevel } from './ccid-descriptor.js';
import { encodeNotifySlotChange } from './ccid-interrupt.js';
import {
  CCID_HEADER_LENGTH,
  Chain,
  decodePcToRdr,
  encodeDataBlock,
  encodeSlotStatus,
  encodeStatus,
  messageLength,
  type CommandStatus,
  type IccStatus,
  type PcToRdrMessage,
} from './ccid-message.js';
import { CcidError, CcidErrorCode } from './ccid-errors.js';
import { SlotError } from './ccid-status.js';

/** Where the firmware's messages go: the device's bulk-IN and interrupt-IN queues. */
export interface FirmwareOutput {
  bulk(message: Uint8Array): void;
  interrupt(message: Uint8Array): void;
}

/** Behaviour of the simulated reader's firmware. */
export interface FirmwareConfig {
  readonly exchangeLevel: ExchangeLevel;
  readonly maxMessageLength: number;
  /**
   * Number of time-extension replies (§6.2.6 bmCommandStatus 2) to send before the answer to `command`, while
   * the card works on it; `Infinity` models a card that never finishes.
   */
  readonly timeExtensions?: ((command: Uint8Array) => number) | undefined;
  /** Pause before each time-extension reply (ms); 0 sends them all at once. */
  readonly timeExtensionIntervalMs?: number | undefined;
}

/** Counters for benchmarks and tests. */
export interface FirmwareStats {
  /** APDUs given to the card. */
  apdus: number;
  timeExtensionsSent: number;
}

// §6.2.6 Table 6.2-2: a bad parameter is reported by its offset in the command message.
const OFFSET_SLOT = 5;
const OFFSET_POWER_SELECT = 7;
const OFFSET_LEVEL_PARAMETER = 8;

interface DuringCommand {
  readonly match: (command: Uint8Array) => boolean;
  readonly action: () => void;
}

/** One slot's reader firmware around an `IccCard`. */
export class SimulatedCcidFirmware {
  readonly stats: FirmwareStats = { apdus: 0, timeExtensionsSent: 0 };
  private card: IccCard | undefined;
  private icc: IccStatus = 'absent';
  private pending: Uint8Array = new Uint8Array(0);
  private work: Promise<void> = Promise.resolve();
  private chainedCommand: Uint8Array[] | undefined;
  private pendingResponse: Uint8Array | undefined;
  private removal: (() => void) | undefined;
  private cardWork: Promise<unknown> = Promise.resolve();
  private readonly duringCommand: DuringCommand[] = [];
  private halted = false;
  /** Bumped when the host lets go of the interface: work for the old session stops answering. */
  private session = 0;
  /** Errors the card threw (reported to the host as a mute card); tests may inspect them. */
  readonly cardErrors: unknown[] = [];

  constructor(
    private readonly config: FirmwareConfig,
    private readonly output: FirmwareOutput,
  ) {}

  /** True while a card is in the slot. */
  get cardPresent(): boolean {
    return this.card !== undefined;
  }

  /** Puts a card in the slot (unpowered) and notifies the host (§6.3.1). */
  insertCard(card: IccCard): void {
    if (this.card) throw new Error('the simulated reader already holds a card');
    this.card = card;
    this.icc = 'inactive';
    this.notify(true);
  }

  /**
   * Pulls the card out: a command in progress is answered at once with "no ICC present" (§6.2.6), the host is
   * notified (§6.3.1) and the card loses power once it finishes what it was doing.
   */
  removeCard(): void {
    const card = this.card;
    if (!card) return;
    const wasPowered = this.icc === 'active';
    this.card = undefined;
    this.icc = 'absent';
    this.chainedCommand = undefined;
    this.pendingResponse = undefined;
    this.notify(false);
    this.removal?.();
    if (wasPowered) {
      this.cardWork = this.cardWork.then(() => card.powerOff()).catch((error: unknown) => this.cardErrors.push(error));
    }
  }

  /** Runs `action` right after the next APDU matching `match` reaches the card (while the card works on it). */
  armDuringCommand(match: (command: Uint8Array) => boolean, action: () => void): void {
    this.duringCommand.push({ match, action });
  }

  /** Stops all output (the device was unplugged). */
  halt(): void {
    this.halted = true;
    this.pending = new Uint8Array(0);
  }

  /** The host released the interface or closed the device: forget its half-received message and chaining. */
  hostGone(): void {
    this.session++;
    this.pending = new Uint8Array(0);
    this.resetChaining();
  }

  private resetChaining(): void {
    this.chainedCommand = undefined;
    this.pendingResponse = undefined;
  }

  /** Resolves when every received command has been answered. */
  idle(): Promise<void> {
    return this.work;
  }

  /** Takes bulk-OUT bytes in any chunking and queues each complete message for processing. */
  receive(bytes: Uint8Array): void {
    this.pending = this.pending.length === 0 ? bytes.slice() : concatBytes(this.pending, bytes);
    for (;;) {
      const length = messageLength(this.pending);
      if (length === undefined || this.pending.length < length) return;
      const message = this.pending.slice(0, length);
      this.pending = this.pending.slice(length);
      this.work = this.work
        .then(() => this.handle(message))
        .catch((error: unknown) => {
          // A fault inside the reader itself: report a hardware error for this command (§6.2.6) and go on.
          this.cardErrors.push(error);
          this.dataBlock(message[6]!, 'failed', SlotError.HW_ERROR, 0, new Uint8Array(0));
        });
    }
  }

  private notify(present: boolean): void {
    if (!this.halted) this.output.interrupt(encodeNotifySlotChange([{ present, changed: true }]));
  }

  private send(message: Uint8Array): void {
    if (!this.halted) this.output.bulk(message);
  }

  private status(command: CommandStatus): number {
    return encodeStatus(this.icc, command);
  }

  private dataBlock(seq: number, command: CommandStatus, error: number, chain: number, data: Uint8Array): void {
    this.send(encodeDataBlock(0, seq, this.status(command), error, chain, data));
  }

  private failed(request: { type: PcToRdrMessage['type']; seq: number }, error: number): void {
    // §6.2: IccPowerOn and XfrBlock are answered with DataBlock, the others with SlotStatus.
    if (request.type === 'IccPowerOn' || request.type === 'XfrBlock') this.dataBlock(request.seq, 'failed', error, 0, new Uint8Array(0));
    else this.send(encodeSlotStatus(0, request.seq, this.status('failed'), error));
  }

  private async handle(bytes: Uint8Array): Promise<void> {
    let request: PcToRdrMessage;
    try {
      request = decodePcToRdr(bytes);
    } catch (error) {
      // The only decoding failure of a complete message is an invalid bPowerSelect (§6.1.1); anything else is a bug.
      if (!(error instanceof CcidError) || error.code !== CcidErrorCode.CCID_PROTOCOL_ERROR) throw error;
      this.failed({ type: 'IccPowerOn', seq: bytes[6]! }, OFFSET_POWER_SELECT);
      return;
    }
    if (request.slot !== 0) {
      this.failed(request, OFFSET_SLOT);
      return;
    }
    switch (request.type) {
      case 'IccPowerOn':
        return this.powerOn(request.seq);
      case 'IccPowerOff': {
        // §6.1.2: answered with SlotStatus; the card keeps its place but loses power.
        const card = this.card;
        if (card && this.icc === 'active') await this.cardCall(() => card.powerOff());
        if (this.card) this.icc = 'inactive';
        this.send(encodeSlotStatus(0, request.seq, this.status('ok'), 0, this.icc === 'active' ? 0 : 3));
        return;
      }
      case 'GetSlotStatus': // §6.1.3; bClockStatus 0 = running, 3 = stopped in an unknown state
        this.send(encodeSlotStatus(0, request.seq, this.status('ok'), 0, this.icc === 'active' ? 0 : 3));
        return;
      case 'XfrBlock':
        return this.transfer(request);
      case 'Other':
        this.failed(request, SlotError.COMMAND_NOT_SUPPORTED);
        return;
    }
  }

  private async cardCall<T>(call: () => Promise<T>): Promise<T> {
    const result = this.cardWork.then(call);
    this.cardWork = result.catch((error: unknown) => error);
    return result;
  }

  private async powerOn(seq: number): Promise<void> {
    const card = this.card;
    if (!card) {
      this.dataBlock(seq, 'failed', SlotError.ICC_MUTE, 0, new Uint8Array(0));
      return;
    }
    let atr: Uint8Array;
    try {
      atr = await this.cardCall(() => card.powerOn());
    } catch (error) {
      this.cardErrors.push(error);
      this.dataBlock(seq, 'failed', SlotError.ICC_MUTE, 0, new Uint8Array(0));
      return;
    }
    if (this.card !== card) {
      this.dataBlock(seq, 'failed', SlotError.ICC_MUTE, 0, new Uint8Array(0));
      return;
    }
    this.icc = 'active';
    this.resetChaining();
    this.dataBlock(seq, 'ok', 0, 0, atr);
  }

  private async transfer(request: Extract<PcToRdrMessage, { type: 'XfrBlock' }>): Promise<void> {
    const { seq } = request;
    if (this.icc !== 'active') {
      this.dataBlock(seq, 'failed', SlotError.ICC_MUTE, 0, new Uint8Array(0));
      return;
    }
    const level = this.config.exchangeLevel;
    if (level === 'tpdu' || level === 'character') {
      this.dataBlock(seq, 'failed', SlotError.COMMAND_NOT_SUPPORTED, 0, new Uint8Array(0));
      return;
    }
    if (level === 'short-apdu') {
      // §6.1.4: at short APDU level wLevelParameter is RFU (0) and the APDU comes whole.
      if (request.levelParameter !== 0) this.failed(request, OFFSET_LEVEL_PARAMETER);
      else await this.apdu(seq, request.data);
      return;
    }
    switch (request.levelParameter) {
      case Chain.WHOLE:
        return this.apdu(seq, request.data);
      case Chain.BEGIN:
        this.chainedCommand = [request.data];
        this.dataBlock(seq, 'ok', 0, Chain.CONTINUE, new Uint8Array(0));
        return;
      case Chain.MIDDLE:
      case Chain.END:
        if (!this.chainedCommand) {
          this.failed(request, OFFSET_LEVEL_PARAMETER);
          return;
        }
        this.chainedCommand.push(request.data);
        if (request.levelParameter === Chain.MIDDLE) {
          this.dataBlock(seq, 'ok', 0, Chain.CONTINUE, new Uint8Array(0));
          return;
        }
        {
          const whole = concatBytes(...this.chainedCommand);
          this.chainedCommand = undefined;
          return this.apdu(seq, whole);
        }
      case Chain.CONTINUE:
        if (!this.pendingResponse) {
          this.failed(request, OFFSET_LEVEL_PARAMETER);
          return;
        }
        this.sendResponse(seq, this.pendingResponse, false);
        return;
      default:
        this.failed(request, OFFSET_LEVEL_PARAMETER);
    }
  }

  /**
   * Gives one APDU to the card and, while it works, sends the configured time extensions (§6.2.6); answers
   * at once with "no ICC present" if the card is pulled out meanwhile.
   */
  private async apdu(seq: number, command: Uint8Array): Promise<void> {
    const card = this.card!;
    const session = this.session;
    this.stats.apdus++;
    let removedNow = false;
    const removed = new Promise<'removed'>((resolve) => {
      this.removal = () => {
        removedNow = true;
        resolve('removed');
      };
    });
    const processing = this.cardCall(() => card.process(command));
    for (const hook of this.duringCommand.filter((h) => h.match(command))) {
      this.duringCommand.splice(this.duringCommand.indexOf(hook), 1);
      hook.action();
    }
    const extensions = this.config.timeExtensions?.(command) ?? 0;
    const interval = this.config.timeExtensionIntervalMs ?? 0;
    for (let i = 0; i < extensions && !removedNow && !this.halted && this.session === session; i++) {
      if (interval > 0) await new Promise((resolve) => setTimeout(resolve, interval));
      if (removedNow || this.session !== session) break;
      // §6.2.6: bmCommandStatus 2 "Time Extension is requested", bError = BWT multiplier
      this.dataBlock(seq, 'time-extension', 1, 0, new Uint8Array(0));
      this.stats.timeExtensionsSent++;
    }
    let outcome: Uint8Array | 'removed' | 'error';
    try {
      outcome = await Promise.race([removed, processing]);
    } catch (error) {
      this.cardErrors.push(error);
      outcome = 'error';
    } finally {
      this.removal = undefined;
    }
    if (this.session !== session) return; // the host went away; nobody is listening for this answer
    if (outcome === 'removed' || this.card !== card || outcome === 'error') {
      // Removed: bmICCStatus is now 2 "no ICC present". Error: a card that stops answering is mute.
      this.dataBlock(seq, 'failed', SlotError.ICC_MUTE, 0, new Uint8Array(0));
      return;
    }
    this.sendResponse(seq, outcome, true);
  }

  /** Sends a response APDU, split with bChainParameter when it exceeds one message (§6.2.1). */
  private sendResponse(seq: number, response: Uint8Array, first: boolean): void {
    const block = this.config.maxMessageLength - CCID_HEADER_LENGTH;
    if (response.length <= block) {
      this.pendingResponse = undefined;
      this.dataBlock(seq, 'ok', 0, first ? Chain.WHOLE : Chain.END, response);
      return;
    }
    if (this.config.exchangeLevel !== 'extended-apdu') {
      this.dataBlock(seq, 'failed', SlotError.XFR_OVERRUN, 0, new Uint8Array(0));
      return;
    }
    this.pendingResponse = response.slice(block);
    this.dataBlock(seq, 'ok', 0, first ? Chain.BEGIN : Chain.MIDDLE, response.subarray(0, block));
  }
}
