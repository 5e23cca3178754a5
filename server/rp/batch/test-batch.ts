/** Builds batch login tokens in tests with the same src/ builder the extension uses, signing with node:crypto. */
import { constants, sign as nodeSign } from 'node:crypto';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { type BatchLogin, type BatchLoginToken, buildBatchAuthTokens } from '../../../src/protocol/batch/builder.js';
import { type TestCertificate } from '../test-support/test-pki.js';
import { defaultAlgorithm } from '../test-support/tokens.js';

const NODE_HASH = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', PS256: 'sha256', RS256: 'sha256' } as const;

/** One token per login, all under one signature by `leaf`'s key; `signatures` counts signer calls. */
export async function signBatch(
  leaf: TestCertificate,
  logins: readonly BatchLogin[],
  algorithm: TokenAlgorithm = defaultAlgorithm(leaf),
): Promise<{ tokens: BatchLoginToken[]; signatures: number }> {
  const key = leaf.key;
  if (!key) throw new Error('certificate has no test key');
  let signatures = 0;
  const tokens = await buildBatchAuthTokens({
    logins,
    certificate: leaf.der,
    algorithm,
    appVersion: 'https://kyotsu.example/tests',
    sign: ({ signedData }) => {
      signatures++;
      const options = algorithm === 'PS256' ? { key: key.nodePrivateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key: key.nodePrivateKey };
      const bytes = new Uint8Array(nodeSign(NODE_HASH[algorithm], signedData, options));
      return Promise.resolve(algorithm.startsWith('ES') ? { encoding: 'ecdsa-der', bytes } : { encoding: 'raw', bytes });
    },
  });
  return { tokens, signatures };
}
