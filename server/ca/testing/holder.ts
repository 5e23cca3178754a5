/**
 * Test and benchmark holders: a software key whose certificate the CA issued, signing login tokens the
 * way the extension does (src/protocol token builders), so qualify calls carry a real holder proof.
 */
import { type HolderProof } from '../../../src/ca-api.js';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { buildCsr, generateEcKeyPair } from '../../../src/pki/csr-builder.js';
import { serializeAuthToken } from '../../../src/protocol/auth-token.js';
import { buildBatchAuthTokens } from '../../../src/protocol/batch/builder.js';
import { serializeBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { generateChallengeNonce } from '../../../src/protocol/challenge.js';
import { buildAuthToken, type TokenSigner } from '../../../src/protocol/token-builder.js';

/** A holder with a P-256 software key. */
export interface TestHolder {
  readonly keyPair: CryptoKeyPair;
  /** Base64 DER of the CSR to issue with. */
  readonly csr: string;
}

/** A holder whose certificate has been issued. */
export interface IssuedTestHolder extends TestHolder {
  readonly serial: string;
  readonly certificateDer: Uint8Array;
}

/** A fresh holder key and its CSR. */
export async function newHolder(): Promise<TestHolder> {
  const keyPair = await generateEcKeyPair('P-256');
  return { keyPair, csr: toBase64(await buildCsr({ keyPair, commonName: 'ignored' })) };
}

/** The holder after issue (`certificate` is the issue response's base64 DER). */
export function issuedHolder(holder: TestHolder, issued: { serial: string; certificate: string }): IssuedTestHolder {
  return { ...holder, serial: issued.serial, certificateDer: fromBase64(issued.certificate) };
}

function signer(keyPair: CryptoKeyPair): TokenSigner {
  return async ({ signedData }) => ({
    encoding: 'raw',
    bytes: new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, Uint8Array.from(signedData))),
  });
}

/** A `web-eid:1.0` login signed by the holder for `origin` (and a fresh nonce unless given), as a holder proof. */
export async function loginProof(holder: IssuedTestHolder, origin: string, nonce = generateChallengeNonce()): Promise<HolderProof> {
  const token = await buildAuthToken({ origin, nonce, certificate: holder.certificateDer, algorithm: 'ES256', appVersion: 'https://kyotsu.example/tests', sign: signer(holder.keyPair) });
  return { token: serializeAuthToken(token), nonce };
}

/** One `kyotsu-batch:1` signature over logins at `origins`; returns each origin's holder proof. */
export async function batchProofs(holder: IssuedTestHolder, origins: readonly string[]): Promise<Map<string, HolderProof>> {
  const tokens = await buildBatchAuthTokens({
    logins: origins.map((origin) => ({ origin, nonce: generateChallengeNonce() })),
    certificate: holder.certificateDer,
    algorithm: 'ES256',
    appVersion: 'https://kyotsu.example/tests',
    sign: signer(holder.keyPair),
  });
  return new Map(tokens.map((login) => [login.origin, { token: serializeBatchAuthToken(login.token), nonce: login.nonce }]));
}
