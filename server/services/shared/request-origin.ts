/** Which callers a service's JSON endpoints accept, judged from the browser-set Origin / Sec-Fetch-Site. */
import { type FastifyRequest } from 'fastify';

/** True when the request comes from this origin, the browser itself, or a browser extension. */
export function sameOriginOrExtension(request: FastifyRequest, origin: string): boolean {
  const from = request.headers.origin;
  if (from === undefined) return request.headers['sec-fetch-site'] !== 'cross-site';
  return from === origin || from.startsWith('chrome-extension://') || from.startsWith('moz-extension://');
}
