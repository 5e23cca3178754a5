/**
 * The one place where a CCID reply's bStatus/bError becomes a typed error (USB CCID Rev 1.1 §6.2.6).
 * Everything else in the driver sees either a successful reply or one of these errors.
 */
import { CardErrorCode } from '../../src/card-errors.js';
import { cardError, protocolError, readerError } from './ccid-errors.js';
import { hex, type RdrToPcMessage } from './ccid-message.js';
import { type KyotsuError } from '../../src/errors.js';

/** Slot error register values (§6.2.6 Table 6.2-2). */
export const SlotError = {
  COMMAND_NOT_SUPPORTED: 0x00,
  CMD_ABORTED: 0xff,
  ICC_MUTE: 0xfe,
  XFR_PARITY_ERROR: 0xfd,
  XFR_OVERRUN: 0xfc,
  HW_ERROR: 0xfb,
  BAD_ATR_TS: 0xf8,
  BAD_ATR_TCK: 0xf7,
  ICC_PROTOCOL_NOT_SUPPORTED: 0xf6,
  ICC_CLASS_NOT_SUPPORTED: 0xf5,
  PROCEDURE_BYTE_CONFLICT: 0xf4,
  DEACTIVATED_PROTOCOL: 0xf3,
  BUSY_WITH_AUTO_SEQUENCE: 0xf2,
  PIN_TIMEOUT: 0xf0,
  PIN_CANCELLED: 0xef,
  CMD_SLOT_BUSY: 0xe0,
} as const;

const SLOT_ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(SlotError).map(([name, value]) => [value, name]),
);

/** Human name of a bError value (§6.2.6 Table 6.2-2). */
export function slotErrorName(error: number): string {
  const name = SLOT_ERROR_NAMES[error];
  if (name !== undefined) return name;
  // Table 6.2-2: 1–127 is the offset of the bad parameter in the command; 0x81–0xC0 are user defined.
  if (error >= 1 && error <= 127) return `bad parameter at offset ${error}`;
  if (error >= 0x81 && error <= 0xc0) return `vendor error 0x${hex(error)}`;
  return `reserved error 0x${hex(error)}`;
}

/** What the host was doing when the reply came: decides between NO_CARD and CARD_REMOVED. */
export type CommandKind = 'power-on' | 'power-off' | 'slot-status' | 'transfer';

/**
 * Turns a final (non time-extension) reply into a typed error, or `undefined` when the command succeeded.
 * `reader` names the reader in messages.
 */
export function replyError(reply: RdrToPcMessage, kind: CommandKind, reader: string): KyotsuError | undefined {
  const details = { reader, bStatusIcc: reply.iccStatus, bError: reply.error };
  if (reply.commandStatus === 'time-extension') {
    return protocolError(`${reader}: a time extension is not a final reply`, details);
  }
  if (reply.iccStatus === 'absent' && kind !== 'slot-status' && kind !== 'power-off') {
    // §6.2.6 bmICCStatus 2 "No ICC present": before power-on that is NO_CARD; once connected, the card was pulled.
    return kind === 'power-on'
      ? cardError(CardErrorCode.NO_CARD, `no card in ${reader}`, details)
      : cardError(CardErrorCode.CARD_REMOVED, `the card was removed from ${reader}`, details);
  }
  if (kind === 'transfer' && reply.iccStatus === 'inactive') {
    // bmICCStatus 1 "present and inactive" during a transfer: the card was reset or pulled out and put back.
    return cardError(CardErrorCode.CARD_REMOVED, `the card in ${reader} was reset or re-inserted; connect again`, details);
  }
  if (reply.commandStatus === 'ok') return undefined;
  const name = slotErrorName(reply.error);
  switch (reply.error) {
    case SlotError.COMMAND_NOT_SUPPORTED:
      return cardError(CardErrorCode.READER_UNSUPPORTED, `${reader} does not support this CCID command`, details);
    case SlotError.ICC_MUTE:
      return readerError(
        kind === 'power-on'
          ? `the card in ${reader} does not answer (is it inserted the right way round?)`
          : `the card in ${reader} stopped answering`,
        details,
      );
    case SlotError.ICC_CLASS_NOT_SUPPORTED:
    case SlotError.ICC_PROTOCOL_NOT_SUPPORTED:
      return cardError(CardErrorCode.READER_UNSUPPORTED, `${reader} cannot power this card (${name})`, details);
    case SlotError.CMD_SLOT_BUSY:
      return readerError(`${reader} is busy with another command`, details);
    default:
      return readerError(`${reader} reported ${name}`, details);
  }
}
