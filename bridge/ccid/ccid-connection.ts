/**
 * A powered card behind a CCID reader as a `CardConnection`: PC_to_RDR_IccPowerOn for the ATR (USB CCID
 * Rev 1.1 §6.1.1), PC_to_RDR_XfrBlock per APDU (§6.1.4, with wLevelParameter chaining on extended-APDU
 * readers), PC_to_RDR_IccPowerOff on close (§6.1.2).
 */
import { concatBytes } from '../../src/bytes.js';
import { type CardConnection } from '../transport/card-connection.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { cardError, protocolError } from './ccid-errors.js';
import { Feature, Voltage, type ExchangeLevel } from './ccid-descriptor.js';
import { CCID_HEADER_LENGTH, Chain, PowerSelect, type RdrToPcMessage } from './ccid-message.js';
import { type CcidPipe, type PipeCommand } from './ccid-pipe.js';
import { replyError, SlotError, type CommandKind } from './ccid-status.js';

/** Longest response APDU accepted from a chained reply: 65536 data bytes + SW1 SW2 (ISO/IEC 7816-4 §5.1). */
const MAX_RESPONSE_LENGTH = 65536 + 2;
/** Longest command APDU: extended case 4 (ISO/IEC 7816-4 §5.1): 4 + 3 + 65535 + 2. */
const MAX_EXTENDED_COMMAND_LENGTH = 4 + 3 + 65535 + 2;
/** Longest short command APDU: case 4 short, 4 + 1 + 255 + 1. */
const MAX_SHORT_COMMAND_LENGTH = 4 + 1 + 255 + 1;

type Send = (command: PipeCommand) => Promise<RdrToPcMessage>;

/** What the connection needs from its reader. */
export interface ConnectionContext {
  readonly pipe: CcidPipe;
  readonly reader: string;
  readonly slot: number;
  readonly level: Extract<ExchangeLevel, 'short-apdu' | 'extended-apdu'>;
  /** dwFeatures and bVoltageSupport of the reader (§5.1). */
  readonly features: number;
  readonly voltageSupport: number;
}

type Reply<K extends RdrToPcMessage['type']> = Extract<RdrToPcMessage, { type: K }>;

function isType<K extends RdrToPcMessage['type']>(reply: RdrToPcMessage, type: K): reply is Reply<K> {
  return reply.type === type;
}

/** Throws the typed error a reply carries (§6.2.6), or a protocol error when it is the wrong message type. */
function checked<K extends RdrToPcMessage['type']>(reply: RdrToPcMessage, kind: CommandKind, expected: K, reader: string): Reply<K> {
  const error = replyError(reply, kind, reader);
  if (error) throw error;
  if (!isType(reply, expected)) throw protocolError(`${reader} answered with ${reply.type}, expected ${expected}`, { reader });
  return reply;
}

/** True for errors that mean the card or reader is already gone or closed: nothing left to power down. */
function isGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === CardErrorCode.CARD_REMOVED ||
    code === CardErrorCode.NO_CARD ||
    code === CardErrorCode.READER_UNPLUGGED ||
    code === CardErrorCode.CONNECTION_CLOSED
  );
}

/** The bPowerSelect values to try, in order (§6.1.1; §5.1 dwFeatures "Automatic ICC voltage selection"). */
function powerSelections(features: number, voltageSupport: number): PowerSelect[] {
  if (features & Feature.AUTO_VOLTAGE) return [PowerSelect.AUTOMATIC];
  const order: PowerSelect[] = [];
  if (voltageSupport & Voltage.V5) order.push(PowerSelect.V5);
  if (voltageSupport & Voltage.V3) order.push(PowerSelect.V3);
  if (voltageSupport & Voltage.V1_8) order.push(PowerSelect.V1_8);
  return order.length > 0 ? order : [PowerSelect.AUTOMATIC];
}

/**
 * Powers the card up and returns the connection. Rejects with NO_CARD when the slot is empty. Without
 * automatic voltage selection, tries each supported class in turn, powering off between attempts (§6.1.1).
 */
export async function powerOn(context: ConnectionContext, onClose: () => Promise<void>): Promise<CcidCardConnection> {
  const atr = await context.pipe.exclusive(async (send) => {
    const selections = powerSelections(context.features, context.voltageSupport);
    for (let i = 0; ; i++) {
      const reply = await send({ type: 'IccPowerOn', slot: context.slot, powerSelect: selections[i]! });
      const retry =
        i + 1 < selections.length &&
        reply.commandStatus === 'failed' &&
        reply.iccStatus !== 'absent' &&
        (reply.error === SlotError.ICC_MUTE || reply.error === SlotError.ICC_CLASS_NOT_SUPPORTED);
      if (retry) {
        checked(await send({ type: 'IccPowerOff', slot: context.slot }), 'power-off', 'SlotStatus', context.reader);
        continue;
      }
      const data = checked(reply, 'power-on', 'DataBlock', context.reader);
      if (data.data.length === 0) throw protocolError(`${context.reader} returned an empty ATR`, { reader: context.reader });
      return data.data;
    }
  });
  return new CcidCardConnection(context, atr, onClose);
}

/** A `CardConnection` to a card in a CCID reader slot. */
export class CcidCardConnection implements CardConnection {
  /** The longest command APDU this reader carries (short APDU level: what fits one message, at most 261). */
  readonly maxCommandLength: number;
  /** True when the reader exchanges extended APDUs (§5.1 dwFeatures 0x00040000). */
  readonly extendedApdu: boolean;
  private closed = false;
  private removed = false;

  constructor(
    private readonly context: ConnectionContext,
    /** The card's Answer To Reset. */
    readonly atr: Uint8Array,
    private readonly onClose: () => Promise<void>,
  ) {
    this.extendedApdu = context.level === 'extended-apdu';
    this.maxCommandLength = this.extendedApdu
      ? MAX_EXTENDED_COMMAND_LENGTH
      : Math.min(MAX_SHORT_COMMAND_LENGTH, context.pipe.maxSendLength - CCID_HEADER_LENGTH);
  }

  /** Called by the reader when NotifySlotChange reports the card gone: later commands fail at once. */
  markRemoved(): void {
    this.removed = true;
  }

  /** Called by the reader when a newer connection powered the card up again: this one is over. */
  supersede(): void {
    this.closed = true;
  }

  /** Sends one command APDU and returns the response APDU (data ‖ SW1 SW2). */
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const reader = this.context.reader;
    if (this.closed) throw cardError(CardErrorCode.CONNECTION_CLOSED, `the connection to the card in ${reader} is closed`, { reader });
    if (this.removed) throw cardError(CardErrorCode.CARD_REMOVED, `the card was removed from ${reader}`, { reader });
    if (command.length < 4) {
      throw cardError(CardErrorCode.INVALID_ARGUMENT, `a command APDU has at least 4 bytes, got ${command.length}`, { reader });
    }
    if (command.length > this.maxCommandLength) {
      throw cardError(
        CardErrorCode.READER_UNSUPPORTED,
        `${reader} carries command APDUs of at most ${this.maxCommandLength} bytes; this one has ${command.length} (use command chaining)`,
        { reader, length: command.length, maxCommandLength: this.maxCommandLength },
      );
    }
    const response = await this.context.pipe.exclusive((send) =>
      this.extendedApdu ? this.exchangeExtended(send, command) : this.exchangeShort(send, command),
    );
    if (response.length < 2) throw protocolError(`${reader} returned a response without status word`, { reader });
    return response;
  }

  /** Short APDU level: the whole APDU in one XfrBlock, wLevelParameter 0 (§6.1.4). */
  private async exchangeShort(send: Send, command: Uint8Array): Promise<Uint8Array> {
    const reply = await send({ type: 'XfrBlock', slot: this.context.slot, bwi: 0, levelParameter: Chain.WHOLE, data: command });
    return this.dataOf(reply).data;
  }

  /**
   * Extended APDU level: a command longer than one message goes in blocks with wLevelParameter 1, 3…, 2, each
   * intermediate block answered by an empty DataBlock with bChainParameter 0x10; a long response comes back
   * with bChainParameter 1, 3…, 2 and the host asks for each next part with an empty XfrBlock,
   * wLevelParameter 0x10 (§6.1.4, §6.2.1).
   */
  private async exchangeExtended(send: Send, command: Uint8Array): Promise<Uint8Array> {
    const slot = this.context.slot;
    const block = this.context.pipe.maxSendLength - CCID_HEADER_LENGTH;
    let reply: RdrToPcMessage;
    if (command.length <= block) {
      reply = await send({ type: 'XfrBlock', slot, bwi: 0, levelParameter: Chain.WHOLE, data: command });
    } else {
      for (let offset = 0; ; offset += block) {
        const last = offset + block >= command.length;
        const levelParameter = offset === 0 ? Chain.BEGIN : last ? Chain.END : Chain.MIDDLE;
        reply = await send({ type: 'XfrBlock', slot, bwi: 0, levelParameter, data: command.subarray(offset, offset + block) });
        if (last) break;
        const ack = this.dataOf(reply);
        if (ack.chainParameter !== Chain.CONTINUE || ack.data.length !== 0) {
          throw protocolError(`${this.context.reader} did not ask for the next block of a chained command`, { reader: this.context.reader });
        }
      }
    }
    let part = this.dataOf(reply);
    const parts: Uint8Array[] = [part.data];
    let length = part.data.length;
    if (part.chainParameter !== Chain.WHOLE && part.chainParameter !== Chain.BEGIN) throw this.badChain(part.chainParameter);
    while (part.chainParameter === Chain.BEGIN || part.chainParameter === Chain.MIDDLE) {
      part = this.dataOf(await send({ type: 'XfrBlock', slot, bwi: 0, levelParameter: Chain.CONTINUE, data: new Uint8Array(0) }));
      if (part.chainParameter !== Chain.MIDDLE && part.chainParameter !== Chain.END) throw this.badChain(part.chainParameter);
      length += part.data.length;
      if (length > MAX_RESPONSE_LENGTH) throw protocolError(`${this.context.reader} sent a chained response over ${MAX_RESPONSE_LENGTH} bytes`, { reader: this.context.reader });
      parts.push(part.data);
    }
    return concatBytes(...parts);
  }

  private badChain(chainParameter: number): Error {
    return protocolError(`${this.context.reader} sent bChainParameter 0x${chainParameter.toString(16)} out of order`, {
      reader: this.context.reader,
      chainParameter,
    });
  }

  private dataOf(reply: RdrToPcMessage): Reply<'DataBlock'> {
    try {
      return checked(reply, 'transfer', 'DataBlock', this.context.reader);
    } catch (error) {
      if (isGone(error)) this.removed = true;
      throw error;
    }
  }

  /**
   * Powers the card down (§6.1.2) and runs the reader's close hook. Idempotent; a card or reader that is
   * already gone is not an error here.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.removed && !this.context.pipe.failed) {
        await this.context.pipe.exclusive(async (send) => {
          checked(await send({ type: 'IccPowerOff', slot: this.context.slot }), 'power-off', 'SlotStatus', this.context.reader);
        });
      }
    } catch (error) {
      if (!isGone(error)) throw error;
      // The card or the reader went away first: there is nothing left to power down.
    } finally {
      await this.onClose();
    }
  }
}
