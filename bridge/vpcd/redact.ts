/**
 * One-line, secret-free descriptions of APDUs for debug logs and traces. The bodies of commands that carry
 * a PIN, PUK, management-key material or private key are replaced by their length, and so are responses
 * that can carry key material. Everything else is shown in hex so tool behaviour can be diagnosed.
 */
import { toHex } from '../../src/bytes.js';
import { Ins, KeyRef } from '../../src/piv/constants.js';

/** The PIV "Printed Information" object (5FC109): YubiKey tools keep a PIN-protected management key in it. */
const PRINTED_INFORMATION = Uint8Array.of(0x5c, 0x03, 0x5f, 0xc1, 0x09);

/** One command/response pair, described without secrets. */
export interface ApduTrace {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command in hex, with the body replaced by `<N bytes redacted>` when it may hold a secret. */
  readonly command: string;
  /** Response data length in bytes (without SW1 SW2). */
  readonly responseLength: number;
  /** Response data in hex, or `<N bytes redacted>` when it may hold key material. */
  readonly response: string;
  /** SW1 SW2 in upper-case hex, e.g. `9000`, `6D00`; `----` when the response had fewer than 2 bytes. */
  readonly sw: string;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * True when the body of this command may carry a secret: VERIFY (PIN), CHANGE REFERENCE DATA, RESET RETRY
 * COUNTER (PUK + new PIN) — SP 800-73-4 Part 2 §3.2.1–3.2.3; GENERAL AUTHENTICATE with the management key
 * (9B) — §3.2.4; YubiKey IMPORT ASYMMETRIC KEY (FE) and SET MANAGEMENT KEY (FF); and PUT DATA of the
 * Printed Information object that YubiKey tools use for a PIN-protected management key.
 */
export function commandIsSensitive(command: Uint8Array): boolean {
  const ins = command[1];
  const p2 = command[3];
  switch (ins) {
    case Ins.VERIFY:
    case Ins.CHANGE_REFERENCE_DATA:
    case Ins.RESET_RETRY_COUNTER:
    case Ins.IMPORT_ASYMMETRIC_KEY:
    case Ins.SET_MANAGEMENT_KEY:
      return true;
    case Ins.GENERAL_AUTHENTICATE:
      return p2 === KeyRef.MANAGEMENT;
    case Ins.PUT_DATA:
      return startsWith(command.subarray(5), PRINTED_INFORMATION) || startsWith(command.subarray(7), PRINTED_INFORMATION);
    default:
      return false;
  }
}

/** True when the response to this command may carry key material (management-key witness, printed information). */
function responseIsSensitive(command: Uint8Array): boolean {
  const ins = command[1];
  if (ins === Ins.GENERAL_AUTHENTICATE) return command[3] === KeyRef.MANAGEMENT;
  // Short APDU: the 5C list starts at offset 5; extended (00 Lc1 Lc2): at offset 7 (ISO/IEC 7816-4 §5.1).
  if (ins === Ins.GET_DATA) return startsWith(command.subarray(5), PRINTED_INFORMATION) || startsWith(command.subarray(7), PRINTED_INFORMATION);
  return false;
}

function hexUpper(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/** Describes a command APDU in hex, with a secret-bearing body replaced by its length. */
export function describeCommand(command: Uint8Array, sensitive = commandIsSensitive(command)): string {
  // A 4- or 5-byte APDU (case 1 or 2, ISO/IEC 7816-4 §5.1) has no data field: nothing to hide.
  if (command.length <= 5 || !sensitive) return hexUpper(command);
  return `${hexUpper(command.subarray(0, 4))} <${command.length - 4} bytes redacted>`;
}

/**
 * Describes one exchange for a trace or debug log; never contains a PIN, PUK or key. `sensitive` overrides
 * the decision for the command body (see `ApduRedactor` for chained commands).
 */
export function traceExchange(command: Uint8Array, response: Uint8Array, sensitive = commandIsSensitive(command)): ApduTrace {
  const data = response.length >= 2 ? response.subarray(0, response.length - 2) : new Uint8Array(0);
  const sw = response.length >= 2 ? hexUpper(response.subarray(response.length - 2)) : '----';
  return {
    cla: command[0] ?? 0,
    ins: command[1] ?? 0,
    p1: command[2] ?? 0,
    p2: command[3] ?? 0,
    command: describeCommand(command, sensitive),
    responseLength: data.length,
    response: data.length > 0 && responseIsSensitive(command) ? `<${data.length} bytes redacted>` : hexUpper(data),
    sw,
  };
}

/**
 * Describes a stream of exchanges, keeping a chained command's secret hidden in every link: once a chain
 * (CLA bit 0x10, ISO/IEC 7816-4 §5.1.1.1) starts with a sensitive command, the following commands with the
 * same INS are redacted too, up to and including the last one (CLA bit clear).
 */
export class ApduRedactor {
  private sensitiveChainIns: number | undefined;

  /** Describes one exchange, as `traceExchange` does, continuing any sensitive chain. */
  trace(command: Uint8Array, response: Uint8Array): ApduTrace {
    const ins = command[1];
    const chained = ((command[0] ?? 0) & 0x10) !== 0;
    const sensitive = (this.sensitiveChainIns !== undefined && ins === this.sensitiveChainIns) || commandIsSensitive(command);
    this.sensitiveChainIns = chained && sensitive ? ins : undefined;
    return traceExchange(command, response, sensitive);
  }
}
