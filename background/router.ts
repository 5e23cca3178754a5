/**
 * The background's one entry point for runtime messages. Order of work, for every message:
 * 1. classify the sender (privilege tier) — unknown senders are refused before the body is read;
 * 2. read the request type and check that this tier may send it (background/tiers.ts);
 * 3. parse the body strictly into a protocol `Request` (unknown fields dropped);
 * 4. run the handler; any throw becomes an error reply with a stable code.
 */
import { KyotsuError, MessagingErrorCode, toErrorObject } from '../src/errors.js';
import { type Request } from '../src/message-requests.js';
import { parseRequest, type Reply, requestTypeOf, type ResultMap } from '../src/messages.js';
import { type ClassifiedSender, classifySender, type SenderInfo } from './sender.js';
import { mayRequest } from './tiers.js';

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
      const type = requestTypeOf(message);
      if (!mayRequest(sender, type)) {
        throw new KyotsuError(MessagingErrorCode.FORBIDDEN_SENDER, `this sender may not send ${type}`);
      }
      const request = parseRequest(message);
      return { ok: true, result: await dispatch(handlers, request, sender) };
    } catch (error) {
      return { ok: false, error: toErrorObject(error) };
    }
  };
}

function dispatch<T extends Request['type']>(handlers: Handlers, request: Extract<Request, { type: T }>, sender: ClassifiedSender): Promise<ResultMap[T]> {
  // `Handlers` pairs each type with its own handler; TypeScript cannot see that the indexed handler and the
  // narrowed request belong together, so this one line states it.
  const handler = handlers[request.type] as (request: Extract<Request, { type: T }>, sender: ClassifiedSender) => Promise<ResultMap[T]>;
  return handler(request, sender);
}
