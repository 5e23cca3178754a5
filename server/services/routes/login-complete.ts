/**
 * What happens after any successful login, whatever the method, and the hand-over of a pending common
 * certificate to the qualify step.
 *
 * A card login at a service that does not know the certificate leaves it *pending* in the session (serial
 * and holder name, proven by the token's signature). Only the service's own login (password or passkey)
 * within a few minutes carries it on, and only to an explicit confirmation page (routes/qualify.ts) that
 * names whose certificate it is — a planted session cannot silently link someone else's card.
 */
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type HolderProof } from '../../../src/ca-api.js';
import { type ServiceContext } from '../context.js';
import { type AuthMethod, type Session } from '../shared/sessions.js';

/**
 * Session data keys of a pending certificate. `pendingToken` and `pendingNonce` are the card's login token
 * (its exact JSON text) and the challenge nonce it answered: the CA accepts qualify only with them, as proof
 * that the holder logged in here (server/ca/README.md). The nonce is already consumed; nothing else of the
 * login (no PIN — the service never sees one) is kept.
 */
export const PENDING_KEYS = ['pendingSerial', 'pendingName', 'pendingAt', 'pendingToken', 'pendingNonce'] as const;

/** A pending certificate is forgotten after this long. */
export const PENDING_LIFETIME_MS = 5 * 60 * 1000;

/** A certificate waiting to be linked: its serial, holder name, and the login that proves the holder was here. */
export interface PendingCertificate {
  readonly serial: string;
  readonly name: string;
  /** The card login token and its nonce, sent to the CA with qualify. */
  readonly proof: HolderProof;
}

/** The session's pending certificate, if it is still fresh. */
export function pendingCertificate(session: Session | null, now = Date.now()): PendingCertificate | null {
  const { pendingSerial, pendingName, pendingAt, pendingToken, pendingNonce } = session?.data ?? {};
  if (!pendingSerial || !pendingName || !pendingAt || !pendingToken || !pendingNonce || now - Number(pendingAt) > PENDING_LIFETIME_MS) return null;
  return { serial: pendingSerial, name: pendingName, proof: { token: pendingToken, nonce: pendingNonce } };
}

/** Session data without the pending certificate. */
export function withoutPending(data: Readonly<Record<string, string>>): Record<string, string> {
  const rest: Record<string, string> = { ...data };
  for (const key of PENDING_KEYS) delete rest[key];
  return rest;
}

/**
 * Starts the logged-in session (new ID, new CSRF token) and returns where the browser goes next: the
 * qualify confirmation when this was the service's own login and a fresh certificate is pending, else home.
 */
export function completeLogin(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, userId: string, auth: AuthMethod): string {
  const pending = auth === 'certificate' ? null : pendingCertificate(request.session);
  let session = ctx.sessions.store.login(request.session, userId, auth);
  if (pending) {
    session = ctx.sessions.store.setData(session, {
      pendingSerial: pending.serial,
      pendingName: pending.name,
      pendingAt: request.session?.data.pendingAt ?? String(Date.now()),
      pendingToken: pending.proof.token,
      pendingNonce: pending.proof.nonce,
    });
  }
  ctx.sessions.replace(reply, request, session);
  return pending ? '/qualify' : '/';
}
