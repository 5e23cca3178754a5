/**
 * The background's one entry point for runtime messages. Order of work, for every message:
 * 1. classify the sender (privilege tier) — unknown senders are refused before the body is read;
 * 2. parse the body into a protocol `Request`;
 * 3. check that this tier may send this request;
 * 4. run the handler; any throw becomes an error reply with a stable code.
 */
import { KyotsuError, MessagingErrorCode, toErrorObject } from '../src/errors.js';
import { PAGE_REQUEST_TYPES } from '../src/page-channel.js';
import { parseRequest, type Reply, type Request, type ResultMap } from '../src/messages.js';
import { type ClassifiedSender, classifySender, type SenderInfo } from './sender.js';

/** Handlers for every request type, each given the classified sender. */
export type Handlers = {
  readonly [T in Request['type']]: (request: Extract<Request, { type: T }>, sender: ClassifiedSender) => Promise<ResultMap[T]>;
};

/** Identity of this extension, from `runtime.id` and `runtime.getURL('')`. */
export interface ExtensionIdentity {
  readonly id: string;
  readonly origin: string;
}

/** Builds the message handler the background registers with `runtime.onMessage`. */
export function createRouter(identity: ExtensionIdentity, handlers: Handlers) {
  return async function route(message: unknown, senderInfo: SenderInfo): Promise<Reply> {
    try {
      const sender = classifySender(senderInfo, identity.id, identity.origin);
      if (sender.context === 'unknown') {
        throw new KyotsuError(MessagingErrorCode.FORBIDDEN_SENDER, 'sender is not part of this extension');
      }
      const request = parseRequest(message);
      if (sender.context === 'content-script' && !PAGE_REQUEST_TYPES.includes(request.type)) {
        throw new KyotsuError(MessagingErrorCode.FORBIDDEN_SENDER, `web pages may not send ${request.type}`);
      }
      return { ok: true, result: await dispatch(handlers, request, sender) };
    } catch (error) {
      return { ok: false, error: toErrorObject(error) };
    }
  };
}

function dispatch(handlers: Handlers, request: Request, sender: ClassifiedSender): Promise<ResultMap[Request['type']]> {
  switch (request.type) {
    case 'ping':
      return handlers.ping(request, sender);
  }
}
