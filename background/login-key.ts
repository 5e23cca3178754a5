/**
 * What every login reads from the card before it signs (SP 800-73-4 Part 1 §3.3.2: the PIV Authentication
 * certificate, slot 9A): the certificate, its serial for the activity log, and the signature algorithm its
 * key allows. One place for the single login (op-authenticate.ts) and the batch login (op-batch-authenticate.ts).
 */
import { CardError, CardErrorCode } from '../src/card-errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { integerToSerialHex } from '../src/pki/serial.js';
import { type TokenAlgorithm } from '../src/protocol/algorithms.js';
import { preferredAlgorithm, publicKeyKind } from '../src/protocol/key-algorithm.js';
import { type CardSession } from './card-session.js';

/** The card's login certificate and what signing with its key takes. */
export interface LoginKey {
  readonly certificate: Uint8Array;
  readonly serial: string;
  readonly algorithm: TokenAlgorithm;
}

/**
 * Reads the login certificate. `onSerial` hears the serial as soon as it is known, so an attempt that fails
 * after that (a key that cannot sign logins) is still logged against its certificate.
 * @throws ExtensionError NO_CERTIFICATE when slot 9A is empty; CardError ALGORITHM_UNSUPPORTED for a key no
 *   login algorithm fits.
 */
export async function readLoginKey(session: Pick<CardSession, 'readAuthCertificate'>, onSerial: (serial: string) => void): Promise<LoginKey> {
  const certificate = await session.readAuthCertificate();
  if (certificate === null) throw new ExtensionError(ExtensionErrorCode.NO_CERTIFICATE, 'The card holds no common certificate yet');
  const parsed = parseCertificate(certificate);
  const serial = integerToSerialHex(parsed.serialNumber);
  onSerial(serial);
  const algorithm = preferredAlgorithm(publicKeyKind(parsed.subjectPublicKeyInfo));
  if (algorithm === undefined) throw new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, 'The card’s key cannot sign logins', { algorithm: null });
  return { certificate, serial, algorithm };
}
