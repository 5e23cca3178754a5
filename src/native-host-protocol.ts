/**
 * The wire protocol between the extension and the native-messaging PC/SC host (`dev.kyotsu.pcsc`), written
 * once for both sides. Transport: Chrome/Firefox native messaging — each message is a 32-bit native-endian
 * length and that many bytes of UTF-8 JSON, in both directions, on one long-lived `runtime.connectNative`
 * port per browser session.
 *
 * Browser → host: requests, each with a correlation `id` the reply echoes. Host → browser: replies
 * (`type: 'reply'`) and, after `watch`, unsolicited events (`type: 'event'`) for readers and cards. Every
 * message is a member of a discriminated union; both sides parse with `src/native-host-parse.ts`.
 *
 * Card access follows PC/SC: `connect(reader)` gives a handle; `begin` takes the card exclusively
 * (SCardBeginTransaction's guarantee: no other program, not even another browser's host, sends an APDU or
 * resets the card until `end`); `transmit` sends one APDU (inside the handle's transaction, or in a
 * one-APDU transaction of its own); `end` releases it, leaving the card as it is or resetting it (which drops
 * a verified PIN); `disconnect` forgets the handle.
 */
import { type ErrorObject } from './errors.js';

/** Protocol version; bumped on any incompatible change. `hello` refuses a different major version. */
export const NATIVE_PROTOCOL_VERSION = 1;

/** Largest browser → host message the host reads (JSON bytes). Chrome allows 64 MiB; the host skips longer ones unread. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Largest host → browser message (JSON bytes): Chrome's limit for messages from a native host (1 MB). */
export const MAX_HOST_MESSAGE_BYTES = 1024 * 1024;

/**
 * Largest command APDU `transmit` accepts: an extended APDU with up to 32 KiB of data (ISO/IEC 7816-4 §5.1),
 * whose base64 still fits in one request. PIV commands are far smaller (chained short APDUs, ≤ 261 bytes).
 */
export const MAX_COMMAND_APDU_BYTES = 32 * 1024 + 9;

/** Largest response APDU: 65536 data bytes of an extended Le plus SW1 SW2 (ISO/IEC 7816-4 §5.1). */
export const MAX_RESPONSE_APDU_BYTES = 65538;

/** Longest a `begin` may wait for another program to release the card. */
export const MAX_BEGIN_TIMEOUT_MS = 120_000;

/** Longest PC/SC reader name (pcsc-lite MAX_READERNAME is 128 bytes; Windows allows more). */
export const MAX_READER_NAME_LENGTH = 256;

/** Correlation id of a request: a positive 31-bit integer chosen by the client. */
export type RequestId = number;

/** A connection handle: a positive 31-bit integer chosen by the host. */
export type Handle = number;

/** What a reader holds, as PC/SC reports it (SCARD_STATE_*). */
export type ReaderCardState =
  /** A card that answered reset (SCARD_STATE_PRESENT). */
  | 'present'
  /** No card (SCARD_STATE_EMPTY). */
  | 'empty'
  /** A card that does not answer reset (SCARD_STATE_MUTE). */
  | 'mute'
  /** The reader cannot be used now (SCARD_STATE_UNAVAILABLE / UNKNOWN). */
  | 'unavailable';

/** One PC/SC reader. */
export interface ReaderInfo {
  readonly name: string;
  readonly card: ReaderCardState;
  /** The card's ATR in base64 (ISO/IEC 7816-3 §8) while `card` is `present`, else null. */
  readonly atr: string | null;
  /** True while some program holds the card exclusively (a transaction in progress, SCARD_STATE_EXCLUSIVE). */
  readonly busy: boolean;
}

/** Whether the PC/SC service answers. */
export type PcscStatus = 'up' | 'down';

/** What `end` does to the card (SCardEndTransaction's disposition). */
export type EndDisposition =
  /** SCARD_LEAVE_CARD: keep the card's state (selected application, verified PIN) for the next transaction. */
  | 'leave'
  /** SCARD_RESET_CARD: warm-reset the card, so no verified PIN outlives the transaction (SP 800-73-4 Part 2 §2.4.3). */
  | 'reset';

/** Browser → host requests. */
export type NativeRequest =
  /** First message on a port: protocol negotiation and the host's view of PC/SC. */
  | { readonly id: RequestId; readonly type: 'hello'; readonly protocolVersion: number }
  /** The readers present now. */
  | { readonly id: RequestId; readonly type: 'listReaders' }
  /** Starts (or stops) unsolicited reader and card events on this port. */
  | { readonly id: RequestId; readonly type: 'watch'; readonly enabled: boolean }
  /** Opens a handle on the card in `reader` (the card must be present). */
  | { readonly id: RequestId; readonly type: 'connect'; readonly reader: string }
  /** Takes the card exclusively, waiting up to `timeoutMs` for another program's transaction to end. */
  | { readonly id: RequestId; readonly type: 'begin'; readonly handle: Handle; readonly timeoutMs: number }
  /** Sends one command APDU (base64) and returns the response APDU (base64, data ‖ SW1 SW2). */
  | { readonly id: RequestId; readonly type: 'transmit'; readonly handle: Handle; readonly apdu: string }
  /** Releases the card taken by `begin`. */
  | { readonly id: RequestId; readonly type: 'end'; readonly handle: Handle; readonly disposition: EndDisposition }
  /** Forgets the handle, ending its transaction (with a reset) if one is open. */
  | { readonly id: RequestId; readonly type: 'disconnect'; readonly handle: Handle };

/** The request `type` values. */
export type NativeRequestType = NativeRequest['type'];

/** The result of each request type. */
export interface NativeResultMap {
  readonly hello: {
    readonly protocolVersion: number;
    /** The host program's version (kyotsu's package version). */
    readonly hostVersion: string;
    readonly pcsc: PcscStatus;
    readonly maxRequestBytes: number;
    readonly maxCommandApduBytes: number;
  };
  readonly listReaders: { readonly readers: readonly ReaderInfo[] };
  /** With `enabled`, the state the following events start from (`readers` is empty while PC/SC is down). */
  readonly watch: { readonly watching: boolean; readonly pcsc: PcscStatus; readonly readers: readonly ReaderInfo[] };
  readonly connect: { readonly handle: Handle; readonly reader: string; readonly atr: string };
  /** `waitedMs`: how long another program kept the card before this transaction could start. */
  readonly begin: { readonly atr: string; readonly waitedMs: number };
  readonly transmit: { readonly response: string };
  readonly end: { readonly ended: true };
  readonly disconnect: { readonly disconnected: true };
}

/** A successful reply to request type `T`. */
export interface NativeOkReply<T extends NativeRequestType = NativeRequestType> {
  readonly type: 'reply';
  readonly id: RequestId;
  readonly ok: true;
  readonly result: NativeResultMap[T];
}

/**
 * A failed reply. `id` is null only when the request's id could not be read (a message that is not JSON,
 * or too long to read); the host recovers the id of an oversized request when `id` is its first member.
 */
export interface NativeErrorReply {
  readonly type: 'reply';
  readonly id: RequestId | null;
  readonly ok: false;
  readonly error: ErrorObject;
}

/** Any reply. */
export type NativeReply<T extends NativeRequestType = NativeRequestType> = NativeOkReply<T> | NativeErrorReply;

/** Unsolicited news from the host (sent only while watching). */
export type NativeEvent =
  /** pcscd went away (`down`, with its words in `message`) or answers again (`up`). */
  | { readonly kind: 'pcsc'; readonly status: PcscStatus; readonly message: string | null }
  | { readonly kind: 'reader-added'; readonly reader: ReaderInfo }
  | { readonly kind: 'reader-removed'; readonly reader: string }
  | { readonly kind: 'card-inserted'; readonly reader: string; readonly atr: string }
  | { readonly kind: 'card-removed'; readonly reader: string };

/** An event message on the port. */
export interface NativeEventMessage {
  readonly type: 'event';
  readonly event: NativeEvent;
}

/** Anything the host sends. */
export type NativeHostMessage = NativeReply | NativeEventMessage;
