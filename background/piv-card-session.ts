/**
 * `CardSession` on the PIV session of bridge/piv (SP 800-73-4): the background's card operations in PIV
 * terms. The authentication key and certificate live in slot 9A (PIV Authentication, SP 800-73-4 Part 1
 * §3.1.1); key generation and certificate writing authenticate with the card management key first (the
 * YubiKey default key, as the software card and a fresh YubiKey have it).
 */
import { toHex } from '../src/bytes.js';
import { CardError, CardErrorCode } from '../src/card-errors.js';
import { type EnrollAlgorithm } from '../src/message-results.js';
import { Algorithm, Slot } from '../src/piv/constants.js';
import { type TokenAlgorithm } from '../src/protocol/algorithms.js';
import { type TokenSignature } from '../src/protocol/token-builder.js';
import { PivSession } from '../bridge/piv/session.js';
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { type CardSession } from './card-session.js';

/** PIV algorithm of the 9A key for each enroll algorithm (SP 800-78-4 Table 6-2). */
const KEY_ALGORITHM: Readonly<Record<EnrollAlgorithm, number>> = {
  ES256: Algorithm.ECC_P256,
  ES384: Algorithm.ECC_P384,
  RS256: Algorithm.RSA_2048,
};

/** Opens a PIV session (SELECT) on `connection` and adapts it. */
export async function openPivCardSession(connection: CardConnection): Promise<CardSession> {
  const piv = await PivSession.open(connection);
  const slot = Slot.AUTHENTICATION;
  return {
    async cardId() {
      const serial = await piv.getSerial();
      return serial === null ? `atr:${toHex(connection.atr)}` : `serial:${serial}`;
    },
    readAuthCertificate: () => piv.readCertificate(slot),
    async pinRetries() {
      const status = await piv.pinStatus();
      return status.verified ? null : status.retriesLeft;
    },
    verifyPin: (pin) => piv.verifyPin(pin),
    async signDigest(algorithm: TokenAlgorithm, digest: Uint8Array): Promise<TokenSignature> {
      switch (algorithm) {
        case 'ES256':
          return { encoding: 'ecdsa-der', bytes: (await piv.signEcdsa(slot, Algorithm.ECC_P256, digest)).der };
        case 'ES384':
          return { encoding: 'ecdsa-der', bytes: (await piv.signEcdsa(slot, Algorithm.ECC_P384, digest)).der };
        case 'RS256':
          return { encoding: 'raw', bytes: await piv.signRsa(slot, Algorithm.RSA_2048, digest, { hash: 'SHA-256' }) };
        case 'PS256':
          return { encoding: 'raw', bytes: await piv.signRsa(slot, Algorithm.RSA_2048, digest, { hash: 'SHA-256', padding: 'pss' }) };
        case 'ES512':
          throw new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, 'PIV cards have no P-521 keys', { algorithm });
      }
    },
    async generateAuthKey(algorithm) {
      await piv.authenticateManagementKey();
      return piv.generateKey(slot, KEY_ALGORITHM[algorithm]);
    },
    async writeAuthCertificate(certificate) {
      await piv.authenticateManagementKey();
      await piv.writeCertificate(slot, certificate);
    },
    changePin: (currentPin, newPin) => piv.changePin(currentPin, newPin),
    unblockPin: (puk, newPin) => piv.unblockPin(puk, newPin),
  };
}
