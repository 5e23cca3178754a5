/**
 * CCID bulk messages (USB CCID Rev 1.1 §6.1 "Command Pipe, Bulk-OUT Messages" and §6.2 "Response Pipe,
 * Bulk-IN Messages"): the 10-byte header bMessageType, dwLength (LE), bSlot, bSeq and three message-specific
 * bytes, followed by dwLength bytes of abData. Encoders and decoders for both directions: the driver encodes
 * PC_to_RDR and decodes RDR_to_PC, the simulated reader does the opposite. Decoders never trust a length and
 * throw only the typed protocol error.
 */
import { protocolError } from './ccid-errors.js';

/** Size of every bulk message header (§6.1, §6.2). */
export const CCID_HEADER_LENGTH = 10;

/** bMessageType values (§6.1 Table 6.1-1, §6.2 Table 6.2-1). */
export const MessageType = {
  PC_TO_RDR_ICC_POWER_ON: 0x62, // §6.1.1
  PC_TO_RDR_ICC_POWER_OFF: 0x63, // §6.1.2
  PC_TO_RDR_GET_SLOT_STATUS: 0x65, // §6.1.3
  PC_TO_RDR_XFR_BLOCK: 0x6f, // §6.1.4
  PC_TO_RDR_ABORT: 0x72, // §6.1.13
  RDR_TO_PC_DATA_BLOCK: 0x80, // §6.2.1
  RDR_TO_PC_SLOT_STATUS: 0x81, // §6.2.2
  RDR_TO_PC_PARAMETERS: 0x82, // §6.2.3
  RDR_TO_PC_ESCAPE: 0x83, // §6.2.4
  RDR_TO_PC_DATA_RATE_AND_CLOCK: 0x84, // §6.2.5
} as const;

/** bPowerSelect of PC_to_RDR_IccPowerOn (§6.1.1). */
export const PowerSelect = { AUTOMATIC: 0, V5: 1, V3: 2, V1_8: 3 } as const;
export type PowerSelect = (typeof PowerSelect)[keyof typeof PowerSelect];

/**
 * wLevelParameter of PC_to_RDR_XfrBlock for extended APDU level (§6.1.4), and the matching bChainParameter
 * of RDR_to_PC_DataBlock (§6.2.1).
 */
export const Chain = {
  /** The APDU begins and ends in this message. */
  WHOLE: 0x00,
  /** The APDU begins here and continues in the next message. */
  BEGIN: 0x01,
  /** This message continues the APDU and ends it. */
  END: 0x02,
  /** This message continues the APDU and another follows. */
  MIDDLE: 0x03,
  /** Empty abData: "continue", the other side should send the next part. */
  CONTINUE: 0x10,
} as const;

/** A host-to-reader message (bulk-OUT). */
export type PcToRdrMessage =
  | { readonly type: 'IccPowerOn'; readonly slot: number; readonly seq: number; readonly powerSelect: PowerSelect }
  | { readonly type: 'IccPowerOff'; readonly slot: number; readonly seq: number }
  | { readonly type: 'GetSlotStatus'; readonly slot: number; readonly seq: number }
  | {
      readonly type: 'XfrBlock';
      readonly slot: number;
      readonly seq: number;
      /** Block waiting time extension for TPDU T=1; 0 otherwise (§6.1.4). */
      readonly bwi: number;
      /** Chaining for extended APDU level (`Chain`), 0 for short APDU level (§6.1.4). */
      readonly levelParameter: number;
      readonly data: Uint8Array;
    }
  /** Any other bMessageType: the simulated reader answers it with "command not supported". */
  | { readonly type: 'Other'; readonly messageType: number; readonly slot: number; readonly seq: number };

/** ICC status, bits 0–1 of bStatus (§6.2.6 Table 6.2-3). */
export type IccStatus = 'active' | 'inactive' | 'absent';
/** Command status, bits 6–7 of bStatus (§6.2.6 Table 6.2-3). */
export type CommandStatus = 'ok' | 'failed' | 'time-extension';

/** The decoded bStatus and bError pair every reply carries (§6.2.6). */
export interface SlotStatusFields {
  readonly iccStatus: IccStatus;
  readonly commandStatus: CommandStatus;
  /**
   * bError: the slot error register when the command failed (§6.2.6 Table 6.2-2), the BWT multiplier of a
   * time extension request, 0 otherwise.
   */
  readonly error: number;
}

/** A reader-to-host message (bulk-IN). */
export type RdrToPcMessage =
  | (SlotStatusFields & {
      readonly type: 'DataBlock';
      readonly slot: number;
      readonly seq: number;
      readonly chainParameter: number;
      readonly data: Uint8Array;
    })
  | (SlotStatusFields & { readonly type: 'SlotStatus'; readonly slot: number; readonly seq: number; readonly clockStatus: number })
  /** RDR_to_PC_Parameters, _Escape, _DataRateAndClockFrequency: valid replies to commands this driver never sends. */
  | (SlotStatusFields & {
      readonly type: 'Other';
      readonly messageType: number;
      readonly slot: number;
      readonly seq: number;
      readonly data: Uint8Array;
    });

const ICC_STATUS: readonly IccStatus[] = ['active', 'inactive', 'absent'];
const COMMAND_STATUS: readonly CommandStatus[] = ['ok', 'failed', 'time-extension'];

function u32le(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

function header(type: number, length: number, slot: number, seq: number, b7: number, b8: number, b9: number): Uint8Array<ArrayBuffer> {
  checkByte('bSlot', slot);
  checkByte('bSeq', seq);
  const out = new Uint8Array(CCID_HEADER_LENGTH + length);
  out[0] = type;
  // dwLength, little-endian (§6.1: "all multi-byte fields are little-endian")
  out[1] = length & 0xff;
  out[2] = (length >>> 8) & 0xff;
  out[3] = (length >>> 16) & 0xff;
  out[4] = (length >>> 24) & 0xff;
  out[5] = slot;
  out[6] = seq;
  out[7] = b7 & 0xff;
  out[8] = b8 & 0xff;
  out[9] = b9 & 0xff;
  return out;
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${name} must be a byte, got ${value}`);
}

/** Encodes bStatus from its two fields (§6.2.6 Table 6.2-3). */
export function encodeStatus(iccStatus: IccStatus, commandStatus: CommandStatus): number {
  return (COMMAND_STATUS.indexOf(commandStatus) << 6) | ICC_STATUS.indexOf(iccStatus);
}

/** Encodes one host-to-reader message (§6.1). */
export function encodePcToRdr(message: PcToRdrMessage): Uint8Array<ArrayBuffer> {
  switch (message.type) {
    case 'IccPowerOn': // §6.1.1: bPowerSelect, abRFU[2]
      return header(MessageType.PC_TO_RDR_ICC_POWER_ON, 0, message.slot, message.seq, message.powerSelect, 0, 0);
    case 'IccPowerOff': // §6.1.2: abRFU[3]
      return header(MessageType.PC_TO_RDR_ICC_POWER_OFF, 0, message.slot, message.seq, 0, 0, 0);
    case 'GetSlotStatus': // §6.1.3: abRFU[3]
      return header(MessageType.PC_TO_RDR_GET_SLOT_STATUS, 0, message.slot, message.seq, 0, 0, 0);
    case 'XfrBlock': {
      // §6.1.4: bBWI, wLevelParameter (LE), abData
      const out = header(
        MessageType.PC_TO_RDR_XFR_BLOCK,
        message.data.length,
        message.slot,
        message.seq,
        message.bwi,
        message.levelParameter & 0xff,
        message.levelParameter >>> 8,
      );
      out.set(message.data, CCID_HEADER_LENGTH);
      return out;
    }
    case 'Other':
      return header(message.messageType, 0, message.slot, message.seq, 0, 0, 0);
  }
}

/**
 * The total length (header + abData) of the bulk message whose first bytes are `prefix`, or `undefined`
 * while fewer than 10 bytes have arrived. Used to reassemble a message read in several transfers.
 */
export function messageLength(prefix: Uint8Array): number | undefined {
  if (prefix.length < CCID_HEADER_LENGTH) return undefined;
  return CCID_HEADER_LENGTH + u32le(prefix, 1);
}

/** Decodes one host-to-reader message; throws the typed protocol error on anything malformed. */
export function decodePcToRdr(bytes: Uint8Array): PcToRdrMessage {
  const length = checkedLength(bytes, 'PC_to_RDR');
  const slot = bytes[5]!;
  const seq = bytes[6]!;
  switch (bytes[0]) {
    case MessageType.PC_TO_RDR_ICC_POWER_ON: {
      const powerSelect = bytes[7]!;
      if (powerSelect > 3) throw protocolError(`IccPowerOn with invalid bPowerSelect ${powerSelect}`);
      return { type: 'IccPowerOn', slot, seq, powerSelect: powerSelect as PowerSelect };
    }
    case MessageType.PC_TO_RDR_ICC_POWER_OFF:
      return { type: 'IccPowerOff', slot, seq };
    case MessageType.PC_TO_RDR_GET_SLOT_STATUS:
      return { type: 'GetSlotStatus', slot, seq };
    case MessageType.PC_TO_RDR_XFR_BLOCK:
      return {
        type: 'XfrBlock',
        slot,
        seq,
        bwi: bytes[7]!,
        levelParameter: bytes[8]! | (bytes[9]! << 8),
        data: bytes.slice(CCID_HEADER_LENGTH, length),
      };
    default:
      return { type: 'Other', messageType: bytes[0]!, slot, seq };
  }
}

function checkedLength(bytes: Uint8Array, direction: string, maxMessageLength?: number): number {
  const length = messageLength(bytes);
  if (length === undefined) {
    throw protocolError(`${direction} message truncated: ${bytes.length} bytes, the header alone is ${CCID_HEADER_LENGTH}`);
  }
  if (maxMessageLength !== undefined && length > maxMessageLength) {
    throw protocolError(`${direction} message of ${length} bytes exceeds dwMaxCCIDMessageLength ${maxMessageLength}`, {
      length,
      maxMessageLength,
    });
  }
  if (bytes.length < length) {
    throw protocolError(`${direction} message truncated: dwLength says ${length} bytes, ${bytes.length} arrived`, {
      length,
      received: bytes.length,
    });
  }
  if (bytes.length > length) {
    throw protocolError(`${direction} message overlong: dwLength says ${length} bytes, ${bytes.length} arrived`, {
      length,
      received: bytes.length,
    });
  }
  return length;
}

/**
 * Decodes bStatus/bError (§6.2.6). The RFU value 3 of either field is a protocol error; RFU bits 2–5 are
 * ignored, as every host driver does, so a reader that leaves them dirty still works.
 */
export function decodeStatus(status: number, error: number): SlotStatusFields {
  const iccStatus = ICC_STATUS[status & 0x03];
  const commandStatus = COMMAND_STATUS[status >>> 6];
  if (iccStatus === undefined) throw protocolError(`bStatus 0x${hex(status)}: bmICCStatus 3 is RFU (§6.2.6)`);
  if (commandStatus === undefined) throw protocolError(`bStatus 0x${hex(status)}: bmCommandStatus 3 is RFU (§6.2.6)`);
  return { iccStatus, commandStatus, error };
}

/**
 * Decodes one reader-to-host message (§6.2). `maxMessageLength` is the reader's dwMaxCCIDMessageLength; a
 * longer message is refused before its length is trusted. Throws only the typed protocol error.
 */
export function decodeRdrToPc(bytes: Uint8Array, maxMessageLength?: number): RdrToPcMessage {
  const length = checkedLength(bytes, 'RDR_to_PC', maxMessageLength);
  const slot = bytes[5]!;
  const seq = bytes[6]!;
  const fields = decodeStatus(bytes[7]!, bytes[8]!);
  const type = bytes[0]!;
  switch (type) {
    case MessageType.RDR_TO_PC_DATA_BLOCK: // §6.2.1: bStatus, bError, bChainParameter, abData
      return { type: 'DataBlock', slot, seq, ...fields, chainParameter: bytes[9]!, data: bytes.slice(CCID_HEADER_LENGTH, length) };
    case MessageType.RDR_TO_PC_SLOT_STATUS: // §6.2.2: bStatus, bError, bClockStatus; no data
      if (length !== CCID_HEADER_LENGTH) throw protocolError(`RDR_to_PC_SlotStatus with ${length - CCID_HEADER_LENGTH} data bytes`);
      return { type: 'SlotStatus', slot, seq, ...fields, clockStatus: bytes[9]! };
    case MessageType.RDR_TO_PC_PARAMETERS:
    case MessageType.RDR_TO_PC_ESCAPE:
    case MessageType.RDR_TO_PC_DATA_RATE_AND_CLOCK:
      return { type: 'Other', messageType: type, slot, seq, ...fields, data: bytes.slice(CCID_HEADER_LENGTH, length) };
    default:
      throw protocolError(`unknown RDR_to_PC message type 0x${hex(type)}`, { messageType: type });
  }
}

/** Encodes a RDR_to_PC_DataBlock (§6.2.1). */
export function encodeDataBlock(
  slot: number,
  seq: number,
  status: number,
  error: number,
  chainParameter: number,
  data: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const out = header(MessageType.RDR_TO_PC_DATA_BLOCK, data.length, slot, seq, status, error, chainParameter);
  out.set(data, CCID_HEADER_LENGTH);
  return out;
}

/** Encodes a RDR_to_PC_SlotStatus (§6.2.2); bClockStatus 0 = clock running. */
export function encodeSlotStatus(slot: number, seq: number, status: number, error: number, clockStatus = 0): Uint8Array<ArrayBuffer> {
  return header(MessageType.RDR_TO_PC_SLOT_STATUS, 0, slot, seq, status, error, clockStatus);
}

/** Two-digit upper-case hex of a byte, for messages. */
export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
