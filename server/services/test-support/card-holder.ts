/**
 * Plays the extension's part in HTTP-level service tests, with the real software PIV card driven through
 * the real PIV session: a key generated on the card, a request signed on the card, the issued certificate
 * written to the card, and login tokens signed by the card for the service's origin and nonce.
 */
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { buildExternallySignedCsr } from '../../../src/pki/external-csr.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../../src/piv/constants.js';
import { serializeBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { buildBatchAuthTokens } from '../../../src/protocol/batch/builder.js';
import { buildAuthToken } from '../../../src/protocol/token-builder.js';
import { PivSession } from '../../../bridge/piv/session.js';
import { SoftPivCard } from '../../../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../../../bridge/transport/direct.js';
import { type ClientResponse, type TestClient } from './http-client.js';

/** A card in a holder's hand. */
export class CardHolder {
  private constructor(
    readonly card: SoftPivCard,
    readonly session: PivSession,
  ) {}

  /** A holder with a factory-fresh software card. */
  static async create(): Promise<CardHolder> {
    const card = await SoftPivCard.create();
    return new CardHolder(card, await PivSession.open(await connectDirect(card)));
  }

  /** The certificate in slot 9A, if any. */
  certificate(): Promise<Uint8Array | null> {
    return this.session.readCertificate(Slot.AUTHENTICATION);
  }

  /**
   * "Get your common certificate" at a service where `client` is logged in with its own method: a new
   * P-256 key in 9A, a request signed on the card, the service asks the CA, the certificate goes on the card.
   */
  async enroll(client: TestClient, origin: string, csrf: string): Promise<ClientResponse> {
    await this.session.authenticateManagementKey();
    const publicKey = await this.session.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
    const csr = await buildExternallySignedCsr({ publicKey, scheme: 'ecdsa-sha256', sign: (digest) => this.signDigest(digest) });
    const response = await client.request(`${origin}/api/certificate/issue`, { method: 'POST', json: { csr: toBase64(csr) }, headers: { 'x-csrf-token': csrf, origin } });
    if (response.status === 200) {
      await this.session.authenticateManagementKey();
      await this.session.writeCertificate(Slot.AUTHENTICATION, fromBase64(response.json<{ certificate: string }>().certificate));
    }
    return response;
  }

  /**
   * Card login as the extension does it: challenge from `origin`, token signed by the card for
   * `signedOrigin` (normally the same: the browser's origin), posted back to `origin`.
   */
  async login(client: TestClient, origin: string, signedOrigin = origin): Promise<ClientResponse> {
    const certificate = await this.certificate();
    if (!certificate) throw new Error('the card has no certificate in 9A');
    const challenge = await client.request(`${origin}/api/auth/challenge`, { method: 'POST', headers: { origin } });
    if (challenge.status !== 200) return challenge;
    const token = await buildAuthToken({
      origin: signedOrigin,
      nonce: challenge.json<{ nonce: string }>().nonce,
      certificate,
      algorithm: 'ES256',
      appVersion: 'https://kyotsu.dev/test-holder/0.1.0',
      sign: async ({ digest }) => ({ encoding: 'ecdsa-der', bytes: await this.signDigest(digest) }),
    });
    return client.request(`${origin}/api/auth/login`, { method: 'POST', body: JSON.stringify(token), headers: { 'content-type': 'application/json', origin } });
  }

  /**
   * Batch login as the statement page does it (docs/batch-login.md): a challenge from each origin of
   * `logins`, ONE card signature over the batch, and each service's token (serialised) to post back to the
   * origin it came from. `signedOrigin` puts another origin into that service's leaf (an attack test).
   */
  async batchTokens(client: TestClient, logins: readonly { origin: string; signedOrigin?: string }[]): Promise<{ origin: string; token: string }[]> {
    const certificate = await this.certificate();
    if (!certificate) throw new Error('the card has no certificate in 9A');
    const issued = [];
    for (const login of logins) {
      const challenge = await client.request(`${login.origin}/api/auth/challenge`, { method: 'POST', headers: { origin: login.origin } });
      if (challenge.status !== 200) throw new Error(`challenge at ${login.origin}: HTTP ${challenge.status} ${challenge.text}`);
      issued.push({ origin: login.signedOrigin ?? login.origin, nonce: challenge.json<{ nonce: string }>().nonce });
    }
    const tokens = await buildBatchAuthTokens({
      logins: issued,
      certificate,
      algorithm: 'ES256',
      appVersion: 'https://kyotsu.dev/test-holder/0.1.0',
      sign: async ({ digest }) => ({ encoding: 'ecdsa-der', bytes: await this.signDigest(digest) }),
    });
    return tokens.map((entry, index) => ({ origin: logins[index]!.origin, token: serializeBatchAuthToken(entry.token) }));
  }

  /** Posts a login token's JSON text to `origin`'s login endpoint, as the extension does. */
  postToken(client: TestClient, origin: string, token: string): Promise<ClientResponse> {
    return client.request(`${origin}/api/auth/login`, { method: 'POST', body: token, headers: { 'content-type': 'application/json', origin } });
  }

  private async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    await this.session.verifyPin(DEFAULT_PIN);
    return (await this.session.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, digest)).der;
  }
}
