/**
 * The CCID command pipe (USB CCID Rev 1.1 §3.2.1, §6.1, §6.2): one command on bulk-OUT, its reply on
 * bulk-IN, matched by bSeq. Reassembles replies read in several transfers, consumes time-extension replies
 * (§6.2.6 bmCommandStatus 2) without resending, bounds every transfer with a timeout and serialises commands
 * (the reader handles one command per slot at a time, §5.1 bMaxCCIDBusySlots).
 */
import { concatBytes } from '../../src/bytes.js';
import { type KyotsuError } from '../../src/errors.js';
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { cardError, protocolError, readerError } from './ccid-errors.js';
import { MIN_MAX_MESSAGE_LENGTH } from './ccid-descriptor.js';
import { type CcidInterface } from './ccid-interface.js';
import { decodeRdrToPc, encodePcToRdr, messageLength, type PcToRdrMessage, type RdrToPcMessage } from './ccid-message.js';
import { mapUsbError, withTimeout, type UsbOperation } from './usb-errors.js';

/** Timeouts of the pipe. */
export interface PipeTimeouts {
  /** Longest wait for any single USB transfer, in milliseconds. */
  readonly transferTimeoutMs: number;
  /** Longest time one command may take, time extensions included, in milliseconds. */
  readonly commandTimeoutMs: number;
}

/** A command without its sequence number: the pipe assigns bSeq. */
export type PipeCommand = PcToRdrMessage extends infer M ? (M extends unknown ? Omit<M, 'seq'> : never) : never;

/** Counters a benchmark or a test may read. */
export interface PipeStats {
  commands: number;
  timeExtensions: number;
  transfersOut: number;
  transfersIn: number;
}

/** Empty bulk-IN transfers (leftover zero-length packets) tolerated in a row before giving up. */
const MAX_EMPTY_READS = 8;

function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

/** The bulk command/response pipe of one CCID interface. */
export class CcidPipe {
  readonly stats: PipeStats = { commands: 0, timeExtensions: 0, transfersOut: 0, transfersIn: 0 };
  /** Largest message the host may send (dwMaxCCIDMessageLength, §5.1). */
  readonly maxSendLength: number;
  /** Largest reply accepted: the reported limit, but at least a full short APDU (some readers under-report). */
  readonly maxReplyLength: number;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: KyotsuError | undefined;
  private closedByUs = false;

  constructor(
    private readonly device: USBDevice,
    private readonly iface: CcidInterface,
    private readonly reader: string,
    private readonly timeouts: PipeTimeouts,
    /** Called once for an error after which the pipe is unusable (timeout, unplug). */
    private readonly onFatal: (error: KyotsuError) => void,
  ) {
    this.maxSendLength = iface.descriptor.maxMessageLength;
    this.maxReplyLength = Math.max(iface.descriptor.maxMessageLength, MIN_MAX_MESSAGE_LENGTH);
  }

  /** Marks the pipe closed by the driver: later aborts are reported as "closed", never as an unplug. */
  markClosed(): void {
    this.closedByUs = true;
  }

  /** Records a fatal error; every later command fails with the same code. */
  fail(error: KyotsuError): void {
    if (this.failure) return;
    this.failure = error;
    this.onFatal(error);
  }

  /** The fatal error, if one happened. */
  get failed(): KyotsuError | undefined {
    return this.failure;
  }

  /**
   * Runs `body` with exclusive use of the pipe: commands of one APDU exchange (chained blocks) are never
   * interleaved with another caller's.
   */
  exclusive<T>(body: (send: (command: PipeCommand) => Promise<RdrToPcMessage>) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => body((command) => this.exchange(command)));
    this.queue = run.catch((error: unknown) => error);
    return run;
  }

  /** Sends one command and returns its final reply, time extensions consumed (§6.2.6). */
  private async exchange(command: PipeCommand): Promise<RdrToPcMessage> {
    this.throwIfFailed();
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff; // bSeq: "sequence number for command", modulo 256 (§6.1)
    const bytes = encodePcToRdr({ ...command, seq });
    if (bytes.length > this.maxSendLength) {
      throw cardError(
        CardErrorCode.READER_UNSUPPORTED,
        `${this.reader} accepts messages of at most ${this.maxSendLength} bytes, this one has ${bytes.length}`,
        { reader: this.reader, length: bytes.length, maxMessageLength: this.maxSendLength },
      );
    }
    this.stats.commands++;
    const deadline = Date.now() + this.timeouts.commandTimeoutMs;
    await this.transferOut(bytes, deadline);
    for (;;) {
      const reply = decodeRdrToPc(await this.readMessage(deadline), this.maxReplyLength);
      // §6.2: "bSeq: sequence number for the corresponding command"
      if (reply.seq !== seq) {
        throw protocolError(`${this.reader} answered out of sequence: sent bSeq ${seq}, reply has ${reply.seq}`, {
          reader: this.reader,
          sent: seq,
          received: reply.seq,
        });
      }
      if (reply.slot !== command.slot) {
        throw protocolError(`${this.reader} answered for slot ${reply.slot}, not ${command.slot}`, { reader: this.reader });
      }
      // §6.2.6 bmCommandStatus 2: "Time Extension is requested" — keep reading, do not resend.
      if (reply.commandStatus === 'time-extension') {
        this.stats.timeExtensions++;
        continue;
      }
      return reply;
    }
  }

  private throwIfFailed(): void {
    if (this.failure) {
      throw new CardError(this.failure.code as CardErrorCode, `${this.reader} is no longer usable: ${this.failure.message}`, {
        reader: this.reader,
      });
    }
  }

  /** Reads one whole bulk-IN message, across several transfers if the reader splits it. */
  private async readMessage(deadline: number): Promise<Uint8Array> {
    const packet = this.iface.bulkIn.packetSize;
    let buffer: Uint8Array = new Uint8Array(0);
    let empties = 0;
    for (;;) {
      const total = messageLength(buffer);
      const want = total === undefined ? roundUp(this.maxReplyLength, packet) : roundUp(total - buffer.length, packet);
      const chunk = await this.transferIn(want, deadline);
      if (chunk.length === 0) {
        if (++empties > MAX_EMPTY_READS) throw protocolError(`${this.reader} keeps sending empty bulk-IN transfers`, { reader: this.reader });
        continue;
      }
      buffer = buffer.length === 0 ? chunk : concatBytes(buffer, chunk);
      const length = messageLength(buffer);
      if (length === undefined) continue;
      if (length > this.maxReplyLength) {
        throw protocolError(`${this.reader} announced a ${length}-byte reply, over its dwMaxCCIDMessageLength ${this.maxReplyLength}`, {
          reader: this.reader,
          length,
        });
      }
      if (buffer.length >= length) return buffer;
    }
  }

  private remaining(deadline: number, what: string): number {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw cardError(CardErrorCode.TRANSPORT_TIMEOUT, `${this.reader} did not finish ${what} within ${this.timeouts.commandTimeoutMs} ms`, {
        reader: this.reader,
        timeoutMs: this.timeouts.commandTimeoutMs,
      });
    }
    return Math.min(left, this.timeouts.transferTimeoutMs);
  }

  private async transferOut(bytes: Uint8Array<ArrayBuffer>, deadline: number): Promise<void> {
    this.stats.transfersOut++;
    const result = await this.guard('transferOut', deadline, () => this.device.transferOut(this.iface.bulkOut.number, bytes));
    if (result.status !== 'ok' || result.bytesWritten !== bytes.length) {
      if (result.status === 'stall') await this.guard('transferOut', deadline, () => this.device.clearHalt('out', this.iface.bulkOut.number));
      throw readerError(`${this.reader} took ${result.bytesWritten} of ${bytes.length} bytes (status ${result.status})`, {
        reader: this.reader,
      });
    }
  }

  private async transferIn(length: number, deadline: number): Promise<Uint8Array> {
    this.stats.transfersIn++;
    const result = await this.guard('transferIn', deadline, () => this.device.transferIn(this.iface.bulkIn.number, length));
    if (result.status !== 'ok') {
      if (result.status === 'stall') await this.guard('transferIn', deadline, () => this.device.clearHalt('in', this.iface.bulkIn.number));
      throw readerError(`bulk-IN transfer from ${this.reader} ended with status ${result.status}`, { reader: this.reader });
    }
    const view = result.data;
    return view ? new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)) : new Uint8Array(0);
  }

  /** Runs one WebUSB call with the timeout, mapping failures; a timeout or an unplug is fatal. */
  private async guard<T>(operation: UsbOperation, deadline: number, call: () => Promise<T>): Promise<T> {
    try {
      const ms = this.remaining(deadline, operation);
      return await withTimeout(call(), ms, operation, this.reader);
    } catch (error) {
      // Once the pipe has failed (unplug, timeout), that failure is why this transfer ended too.
      if (this.failure) throw this.failure;
      const mapped = mapUsbError(error, operation, this.reader, this.device, this.closedByUs);
      if (mapped.code === CardErrorCode.TRANSPORT_TIMEOUT || mapped.code === CardErrorCode.READER_UNPLUGGED) this.fail(mapped);
      throw mapped;
    }
  }
}
