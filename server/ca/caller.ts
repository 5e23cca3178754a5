/** Who is calling the CA: a registered service (HTTP API) or the operator (CLI). */
import type { Actor, ServiceRecord } from './store/types.js';

/** An authenticated caller. */
export type Caller = { readonly kind: 'service'; readonly service: ServiceRecord } | { readonly kind: 'admin'; readonly name: string };

/** The audit actor string of a caller. */
export function actorOf(caller: Caller): Actor {
  return caller.kind === 'service' ? `service:${caller.service.id}` : `admin:${caller.name}`;
}
