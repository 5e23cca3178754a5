/**
 * One browser session of the host: turns frames from the browser into requests, runs them, and sends typed
 * replies and (while watching) events back. Nothing the browser sends can end the session: a message that
 * is too long, not JSON, not a known request, or about a reader that is gone gets an error reply and the
 * session carries on. Requests run concurrently; those on one card handle run in arrival order.
 */
import { fromBase64, toBase64 } from '../../src/bytes.js';
import { KyotsuError, MessagingErrorCode, toErrorObject } from '../../src/errors.js';
import { NativeHostError, NativeHostErrorCode } from '../../src/native-host-errors.js';
import { parseNativeRequest, requestIdOf } from '../../src/native-host-parse.js';
import {
  MAX_COMMAND_APDU_BYTES,
  MAX_HOST_MESSAGE_BYTES,
  MAX_REQUEST_BYTES,
  NATIVE_PROTOCOL_VERSION,
  type NativeEvent,
  type NativeHostMessage,
  type NativeRequest,
  type NativeResultMap,
  type RequestId,
} from '../../src/native-host-protocol.js';
import { type CardHandles } from './card-handles.js';
import { type Frame } from './framing.js';
import { type HostLog } from './log.js';
import { type PcscService } from './pcsc-service.js';
import { type ReaderWatch } from './reader-watch.js';

/** What a session works with. */
export interface HostSessionParts {
  /** Sends one message to the browser (already within the size limit). */
  readonly send: (message: NativeHostMessage) => void;
  readonly service: PcscService;
  readonly handles: CardHandles;
  readonly watch: ReaderWatch;
  readonly log: HostLog;
  /** The host program's version, reported by `hello`. */
  readonly hostVersion: string;
}

/** The `"id":N` an oversized request starts with (clients put `id` first), so its error can be correlated. */
const LEADING_ID = /^\s*\{\s*"id"\s*:\s*(\d{1,10})\s*[,}]/;

/** Runs one browser session. */
export class HostSession {
  private watching = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly parts: HostSessionParts) {
    this.unsubscribe = parts.service.onStatus((status, message) => this.event({ kind: 'pcsc', status, message }));
  }

  /** Handles one frame from the browser. */
  receive(frame: Frame): void {
    if (frame.kind === 'oversized') {
      const match = LEADING_ID.exec(new TextDecoder().decode(frame.head));
      const id = match ? requestIdOf({ id: Number(match[1]) }) : null;
      this.parts.log.warn(`refused a ${frame.length}-byte message (limit ${MAX_REQUEST_BYTES})`);
      this.fail(id, new NativeHostError(NativeHostErrorCode.MESSAGE_TOO_LARGE, `Message of ${frame.length} bytes exceeds the host's limit of ${MAX_REQUEST_BYTES}`, {
        length: frame.length,
        max: MAX_REQUEST_BYTES,
      }));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.body));
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
      this.parts.log.warn(`refused a message that is not UTF-8 JSON (${frame.body.length} bytes)`);
      this.fail(null, new NativeHostError(NativeHostErrorCode.MESSAGE_MALFORMED, `Message is not UTF-8 JSON: ${error.message}`));
      return;
    }
    let request: NativeRequest;
    try {
      request = parseNativeRequest(value);
    } catch (error) {
      this.parts.log.warn(`refused a request: ${error instanceof Error ? error.message : String(error)}`);
      this.fail(requestIdOf(value), error);
      return;
    }
    const running = this.run(request).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  /** Sends an event to the browser if it asked for events. */
  event(event: NativeEvent): void {
    if (this.watching) this.send({ type: 'event', event });
  }

  /** Waits for requests in flight, then stops listening to the service. */
  async close(): Promise<void> {
    this.watching = false;
    await Promise.all(this.inFlight);
    this.unsubscribe();
  }

  private async run(request: NativeRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'watch':
          // The reply carries the state the events start from, so it is sent before any later event.
          await this.parts.watch.ready();
          this.watching = request.enabled;
          this.ok(request.id, 'watch', { watching: this.watching, pcsc: this.parts.service.status, readers: this.parts.watch.readers });
          return;
        default:
          this.ok(request.id, request.type, await this.handle(request));
      }
    } catch (error) {
      this.fail(request.id, error);
    }
  }

  private ok<T extends NativeRequest['type']>(id: RequestId, type: T, result: NativeResultMap[T]): void {
    this.parts.log.debug(`request ${id} (${type}) ok`);
    this.send({ type: 'reply', id, ok: true, result });
  }

  private async handle(request: Exclude<NativeRequest, { type: 'watch' }>): Promise<NativeResultMap[typeof request.type]> {
    const { handles, service } = this.parts;
    switch (request.type) {
      case 'hello': {
        if (request.protocolVersion !== NATIVE_PROTOCOL_VERSION) {
          throw new NativeHostError(NativeHostErrorCode.PROTOCOL_MISMATCH, `The host speaks protocol ${NATIVE_PROTOCOL_VERSION}, the extension ${request.protocolVersion}: update the older one`, {
            host: NATIVE_PROTOCOL_VERSION,
            extension: request.protocolVersion,
          });
        }
        try {
          service.open();
        } catch (error) {
          // Down is an answer here, not a failure: hello reports it.
          this.parts.log.debug(`hello: ${error instanceof Error ? error.message : String(error)}`);
        }
        return {
          protocolVersion: NATIVE_PROTOCOL_VERSION,
          hostVersion: this.parts.hostVersion,
          pcsc: service.status,
          maxRequestBytes: MAX_REQUEST_BYTES,
          maxCommandApduBytes: MAX_COMMAND_APDU_BYTES,
        };
      }
      case 'listReaders':
        return { readers: service.readers().map((reader) => reader.info) };
      case 'connect': {
        const { handle, atr } = handles.connect(request.reader);
        return { handle, reader: request.reader, atr: toBase64(atr) };
      }
      case 'begin': {
        const { atr, waitedMs } = await handles.begin(request.handle, request.timeoutMs);
        return { atr: toBase64(atr), waitedMs };
      }
      case 'transmit':
        return { response: toBase64(await handles.transmit(request.handle, fromBase64(request.apdu))) };
      case 'end':
        await handles.end(request.handle, request.disposition);
        return { ended: true };
      case 'disconnect':
        await handles.disconnect(request.handle);
        return { disconnected: true };
    }
  }

  private fail(id: RequestId | null, error: unknown): void {
    const object = toErrorObject(error);
    if (!(error instanceof KyotsuError)) this.parts.log.error(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    this.send({ type: 'reply', id, ok: false, error: object });
  }

  private send(message: NativeHostMessage): void {
    const length = new TextEncoder().encode(JSON.stringify(message)).length;
    if (length > MAX_HOST_MESSAGE_BYTES && message.type === 'reply') {
      // Chrome drops a host that sends more than 1 MB; nothing the protocol defines gets near it.
      const error = new KyotsuError(MessagingErrorCode.INTERNAL, `Reply of ${length} bytes exceeds the browser's 1 MB limit`);
      this.parts.send({ type: 'reply', id: message.id, ok: false, error: error.toJSON() });
      return;
    }
    this.parts.send(message);
  }
}
