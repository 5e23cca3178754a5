/**
 * Passkeys (WebAuthn) as a service's second way in, with @simplewebauthn/server: a logged-in user
 * registers one; anyone logs in with a discoverable credential registered at THIS service. The demo
 * services share the RP ID `localhost`, so a credential is accepted only if this service's table has it.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { requireUser, type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';
import { completeLogin } from './login-complete.js';

interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
}

function rpId(ctx: ServiceContext): string {
  return new URL(ctx.origin()).hostname;
}

/** Registers the /api/passkeys/* routes. */
export function passkeyRoutes(ctx: ServiceContext): void {
  ctx.app.post('/api/passkeys/register/options', async (request, reply) => {
    const { user, session } = requireUser(ctx, request);
    // A card session must not mint a lasting second way in (it would outlive an invalidated card).
    if (session.auth === 'certificate') throw new HttpError(403, 'OWN_LOGIN_REQUIRED', 'Log in with your password to register a passkey.');
    const existing = ctx.db.prepare('SELECT id, transports FROM passkeys WHERE user_id = ?').all(user.id) as Pick<PasskeyRow, 'id' | 'transports'>[];
    const options = await generateRegistrationOptions({
      rpName: ctx.config.theme.displayName,
      rpID: rpId(ctx),
      userName: `${user.id}@${ctx.config.id}`,
      userDisplayName: user.name,
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: JSON.parse(c.transports) as string[] })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, passkeyChallenge: options.challenge }));
    return options;
  });

  ctx.app.post<{ Body: { response?: RegistrationResponseJSON } }>('/api/passkeys/register/verify', async (request, reply) => {
    const { user, session } = requireUser(ctx, request);
    const expectedChallenge = session.data.passkeyChallenge;
    if (!expectedChallenge || !request.body?.response) throw new HttpError(400, 'PASSKEY_NO_CEREMONY', 'Start the passkey registration again.');
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, passkeyChallenge: '' }));
    const result = await verifyRegistrationResponse({ response: request.body.response, expectedChallenge, expectedOrigin: ctx.origin(), expectedRPID: rpId(ctx) }).catch((error: Error) => {
      throw new HttpError(400, 'PASSKEY_REJECTED', `The passkey was not accepted: ${error.message}`);
    });
    if (!result.verified) throw new HttpError(400, 'PASSKEY_REJECTED', 'The passkey was not accepted.');
    const { credential } = result.registrationInfo;
    ctx.db
      .prepare('INSERT INTO passkeys (id, user_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(credential.id, user.id, Buffer.from(credential.publicKey), credential.counter, JSON.stringify(credential.transports ?? []), Date.now());
    return { registered: true };
  });

  ctx.app.post('/api/passkeys/login/options', async (request, reply) => {
    const session = ctx.sessions.ensure(request, reply);
    const options = await generateAuthenticationOptions({ rpID: rpId(ctx), userVerification: 'preferred' });
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, passkeyChallenge: options.challenge }));
    return options;
  });

  ctx.app.post<{ Body: { response?: AuthenticationResponseJSON } }>('/api/passkeys/login/verify', async (request, reply) => {
    const session = request.session;
    const expectedChallenge = session?.data.passkeyChallenge;
    const response = request.body?.response;
    if (!session || !expectedChallenge || !response || typeof response.id !== 'string') throw new HttpError(400, 'PASSKEY_NO_CEREMONY', 'Start the passkey login again.');
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, passkeyChallenge: '' }));
    const row = ctx.db.prepare('SELECT * FROM passkeys WHERE id = ?').get(response.id) as PasskeyRow | undefined;
    if (!row) throw new HttpError(401, 'PASSKEY_UNKNOWN', 'This passkey is not registered here.');
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: ctx.origin(),
      expectedRPID: rpId(ctx),
      credential: { id: row.id, publicKey: new Uint8Array(row.public_key), counter: row.counter, transports: JSON.parse(row.transports) as never },
    }).catch((error: Error) => {
      throw new HttpError(401, 'PASSKEY_REJECTED', `The passkey was not accepted: ${error.message}`);
    });
    if (!result.verified) throw new HttpError(401, 'PASSKEY_REJECTED', 'The passkey was not accepted.');
    ctx.db.prepare('UPDATE passkeys SET counter = ? WHERE id = ?').run(result.authenticationInfo.newCounter, row.id);
    const user = ctx.users.get(row.user_id);
    if (!user) throw new HttpError(401, 'PASSKEY_UNKNOWN', 'This passkey is not registered here.');
    return { redirect: completeLogin(ctx, request, reply, user.id, 'passkey') };
  });
}
