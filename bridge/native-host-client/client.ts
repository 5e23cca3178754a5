/**
 * The extension's side of the native PC/SC host: one `runtime.connectNative` port, requests correlated by id,
 * replies checked against the request they answer, events fanned out to listeners. Every failure reaches the
 * caller as a typed error: the host's own error codes, the card-stack codes (PIN_INVALID with retriesLeft,
 * CARD_REMOVED, …), or the port's fate (NATIVE_HOST_NOT_FOUND, NATIVE_HOST_DISCONNECTED, …).
 */
import { cardErrorFromObject } from '../../src/card-errors.js';
import { type ErrorObject, KyotsuError, MessagingErrorCode } from '../../src/errors.js';
import { NativeHostError, NativeHostErrorCode } from '../../src/native-host-errors.js';
import { parseNativeHostMessage, parseNativeResult } from '../../src/native-host-parse.js';
import {
  MAX_REQUEST_BYTES,
  NATIVE_PROTOCOL_VERSION,
  type NativeEvent,
  type NativeRequest,
  type NativeRequestType,
  type NativeResultMap,
  type PcscStatus,
  type ReaderInfo,
} from '../../src/native-host-protocol.js';
import { disconnectError, type NativePort } from './port.js';

/** Any request without its id (the client assigns ids): a union of one body per request type. */
export type RequestBody = NativeRequest extends infer R ? (R extends NativeRequest ? Omit<R, 'id'> : never) : never;

/** Tuning of the client. */
export interface NativeHostClientOptions {
  /** How long most requests may take (ms, default 15 000). */
  readonly requestTimeoutMs?: number;
  /** How long one APDU may take (ms, default 120 000: on-card RSA key generation is slow). */
  readonly transmitTimeoutMs?: number;
  /** Chrome reports why a port closed in `chrome.runtime.lastError`; pass a reader of it. */
  readonly lastError?: () => string | undefined;
  /** Told about error replies the host could not correlate (a message it could not read at all). */
  readonly onUncorrelatedError?: (error: KyotsuError) => void;
}

interface Pending {
  readonly type: NativeRequestType;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const HOST_CODES: ReadonlySet<string> = new Set(Object.values(NativeHostErrorCode));

/** Rebuilds the typed error of an error reply. */
export function errorFromReply(object: ErrorObject): KyotsuError {
  if (HOST_CODES.has(object.code)) return new NativeHostError(object.code as NativeHostErrorCode, object.message, object.details ? { ...object.details } : undefined);
  return cardErrorFromObject(object);
}

/** A connected native host. Create with `NativeHostClient.open`. */
export class NativeHostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: NativeEvent) => void>();
  private readonly closeListeners = new Set<(error: NativeHostError) => void>();
  private closedWith: NativeHostError | undefined;
  private watching: Promise<{ pcsc: PcscStatus; readers: readonly ReaderInfo[] }> | undefined;
  private helloResult: NativeResultMap['hello'] | undefined;
  private readonly requestTimeoutMs: number;
  private readonly transmitTimeoutMs: number;

  private constructor(
    private readonly port: NativePort,
    private readonly options: NativeHostClientOptions,
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.transmitTimeoutMs = options.transmitTimeoutMs ?? 120_000;
    port.onMessage.addListener((message) => this.receive(message));
    port.onDisconnect.addListener((closed) => this.shutDown(disconnectError(closed.error?.message ?? options.lastError?.())));
  }

  /**
   * Starts using `port` and says hello. Rejects with NATIVE_HOST_NOT_FOUND / NATIVE_HOST_FORBIDDEN when the
   * browser could not start the host, NATIVE_PROTOCOL_MISMATCH when host and extension disagree.
   */
  static async open(port: NativePort, options: NativeHostClientOptions = {}): Promise<NativeHostClient> {
    const client = new NativeHostClient(port, options);
    try {
      client.helloResult = await client.request({ type: 'hello', protocolVersion: NATIVE_PROTOCOL_VERSION });
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /** What the host said to hello: its version, PC/SC status and limits. */
  get hello(): NativeResultMap['hello'] {
    if (!this.helloResult) throw new NativeHostError(NativeHostErrorCode.HOST_DISCONNECTED, 'The native host has not said hello');
    return this.helloResult;
  }

  /** Why the port is closed, or undefined while it is open. */
  get closed(): NativeHostError | undefined {
    return this.closedWith;
  }

  /** Sends one request and resolves to its checked result; rejects with the typed error the host replied. */
  request<B extends RequestBody>(body: B, timeoutMs?: number): Promise<NativeResultMap[B['type']]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    // `id` first: the host finds the id of a message too long to read at its start.
    const message = { id, ...body };
    const limit = this.helloResult?.maxRequestBytes ?? MAX_REQUEST_BYTES;
    const length = new TextEncoder().encode(JSON.stringify(message)).length;
    if (length > limit) {
      return Promise.reject(new NativeHostError(NativeHostErrorCode.MESSAGE_TOO_LARGE, `Request of ${length} bytes exceeds the host's limit of ${limit}`, { length, max: limit }));
    }
    const wait = timeoutMs ?? (body.type === 'transmit' ? this.transmitTimeoutMs : this.requestTimeoutMs);
    return new Promise<NativeResultMap[B['type']]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NativeHostError(NativeHostErrorCode.HOST_TIMEOUT, `The native host did not answer ${body.type} within ${wait} ms`, { type: body.type }));
      }, wait);
      this.pending.set(id, { type: body.type, resolve: resolve as (result: unknown) => void, reject, timer });
      try {
        this.port.postMessage(message);
      } catch (error) {
        // A port the browser already closed throws here (Firefox, Chrome): the disconnect tells why.
        this.settle(id)?.reject(this.closedWith ?? disconnectError(error instanceof Error ? error.message : String(error)));
      }
    });
  }

  /** The PC/SC readers present now. */
  async listReaders(): Promise<readonly ReaderInfo[]> {
    return (await this.request({ type: 'listReaders' })).readers;
  }

  /**
   * Subscribes to reader and card events (the first call turns them on at the host). Resolves to the state
   * the events start from; returns through `unsubscribe` the listener's remover.
   */
  async watch(listener: (event: NativeEvent) => void): Promise<{ pcsc: PcscStatus; readers: readonly ReaderInfo[]; unsubscribe: () => void }> {
    this.eventListeners.add(listener);
    this.watching ??= this.request({ type: 'watch', enabled: true });
    try {
      const state = await this.watching;
      return { ...state, unsubscribe: () => this.eventListeners.delete(listener) };
    } catch (error) {
      this.eventListeners.delete(listener);
      this.watching = undefined;
      throw error;
    }
  }

  /** Registers a listener for the port closing (with why); returns its remover. */
  onClose(listener: (error: NativeHostError) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Closes the port; the host then releases every card (with a reset) and exits. */
  close(): void {
    if (this.closedWith) return;
    this.port.disconnect();
    this.shutDown(new NativeHostError(NativeHostErrorCode.HOST_DISCONNECTED, 'The native host connection was closed', { reason: 'closed by the extension' }));
  }

  private receive(raw: unknown): void {
    let message: ReturnType<typeof parseNativeHostMessage>;
    try {
      message = parseNativeHostMessage(raw);
    } catch (error) {
      this.broken(error);
      return;
    }
    if (message.type === 'event') {
      for (const listener of this.eventListeners) listener(message.event);
      return;
    }
    if (message.id === null) {
      if (!message.ok) this.options.onUncorrelatedError?.(errorFromReply(message.error));
      return;
    }
    const pending = this.settle(message.id);
    if (!pending) return; // answered after its timeout: nobody waits any more
    if (!message.ok) {
      pending.reject(errorFromReply(message.error));
      return;
    }
    try {
      pending.resolve(parseNativeResult(pending.type, message.result));
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The host sent something that is not the protocol: nothing it says can be trusted any more. */
  private broken(error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    const typed = new NativeHostError(NativeHostErrorCode.HOST_REPLY_INVALID, `The native host sent an invalid message (${detail})`, {
      code: error instanceof KyotsuError ? error.code : MessagingErrorCode.INTERNAL,
    });
    if (this.closedWith) return;
    this.port.disconnect();
    this.shutDown(typed);
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  private shutDown(error: NativeHostError): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
    for (const listener of this.closeListeners) listener(error);
  }
}
