/** Builds login tokens in tests with the same src/ builder the extension uses, signing with node:crypto. */
import { constants, sign as nodeSign } from 'node:crypto';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { type AuthToken, serializeAuthToken } from '../../../src/protocol/auth-token.js';
import { buildAuthToken } from '../../../src/protocol/token-builder.js';
import { type TestCertificate } from './test-pki.js';

const NODE_HASH = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', PS256: 'sha256', RS256: 'sha256' } as const;

/** The algorithm a test key signs with by default. */
export function defaultAlgorithm(leaf: TestCertificate): TokenAlgorithm {
  switch (leaf.key?.spec) {
    case 'P-384':
      return 'ES384';
    case 'P-521':
      return 'ES512';
    case 'RSA-2048':
      return 'RS256';
    default:
      return 'ES256';
  }
}

/** A token object for `origin` and `nonce`, signed by `leaf`'s key (DER ECDSA from the signer, as a card gives). */
export function signToken(leaf: TestCertificate, origin: string, nonce: string, algorithm: TokenAlgorithm = defaultAlgorithm(leaf)): Promise<AuthToken> {
  const key = leaf.key;
  if (!key) throw new Error('certificate has no test key');
  return buildAuthToken({
    origin,
    nonce,
    certificate: leaf.der,
    algorithm,
    appVersion: 'https://kyotsu.example/tests',
    sign: ({ signedData }) => {
      const options = algorithm === 'PS256' ? { key: key.nodePrivateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key: key.nodePrivateKey };
      const bytes = new Uint8Array(nodeSign(NODE_HASH[algorithm], signedData, options));
      return Promise.resolve(algorithm.startsWith('ES') ? { encoding: 'ecdsa-der', bytes } : { encoding: 'raw', bytes });
    },
  });
}

/** The token's JSON text, as it is posted. */
export async function signTokenText(leaf: TestCertificate, origin: string, nonce: string, algorithm?: TokenAlgorithm): Promise<string> {
  return serializeAuthToken(await signToken(leaf, origin, nonce, algorithm));
}
