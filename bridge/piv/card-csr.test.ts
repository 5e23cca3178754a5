import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyCsr } from '../../src/pki/csr.js';
import { buildExternallySignedCsr } from '../../src/pki/external-csr.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../src/piv/constants.js';
import { SoftPivCard } from '../softcard/soft-piv-card.js';
import { connectDirect } from '../transport/direct.js';
import { PivSession } from './session.js';

describe('a certification request signed on the card', () => {
  it('is accepted by the CA’s proof-of-possession check for P-256 and P-384 keys generated on the card', async () => {
    const session = await PivSession.open(await connectDirect(await SoftPivCard.create()));
    await session.authenticateManagementKey();
    for (const [algorithm, scheme] of [[Algorithm.ECC_P256, 'ecdsa-sha256'], [Algorithm.ECC_P384, 'ecdsa-sha384']] as const) {
      const publicKey = await session.generateKey(Slot.AUTHENTICATION, algorithm);
      const csr = await buildExternallySignedCsr({
        publicKey,
        scheme,
        commonName: 'Hanako Yamada',
        sign: async (digest) => {
          await session.verifyPin(DEFAULT_PIN);
          return (await session.signEcdsa(Slot.AUTHENTICATION, algorithm, digest)).der;
        },
      });
      const verified = await verifyCsr(csr);
      assert.ok(verified, `${scheme} request verified`);
    }
  });

  it('is refused when the card signs with another key than the one in the request', async () => {
    const session = await PivSession.open(await connectDirect(await SoftPivCard.create()));
    await session.authenticateManagementKey();
    const requested = await session.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
    await session.generateKey(Slot.SIGNATURE, Algorithm.ECC_P256);
    const csr = await buildExternallySignedCsr({
      publicKey: requested,
      scheme: 'ecdsa-sha256',
      sign: async (digest) => {
        await session.verifyPin(DEFAULT_PIN);
        return (await session.signEcdsa(Slot.SIGNATURE, Algorithm.ECC_P256, digest)).der;
      },
    });
    await assert.rejects(verifyCsr(csr), { code: 'CSR_SIGNATURE_INVALID' });
  });
});
