/**
 * A PIV session over one card connection, NIST SP 800-73-4 Part 2 with the YubiKey extensions. Commands
 * are built in ./commands.ts, sent through the APDU pipeline, and their status words become typed errors
 * at one boundary (`requireSuccess`, bridge/apdu/status-words.ts).
 */
import { CardError, CardErrorCode, isCardError, PinInvalidError } from '../../src/card-errors.js';
import { Algorithm, CERTIFICATE_OBJECT, DEFAULT_MANAGEMENT_KEY, KeyRef, type Slot } from '../../src/piv/constants.js';
import { ApduProcessor, type ApduProcessorOptions } from '../apdu/processor.js';
import { requireSuccess } from '../apdu/status-words.js';
import type { CardConnection } from '../transport/card-connection.js';
import { type PivApplicationInfo, parseApplicationTemplate } from './application.js';
import { unwrapCertificateContainer, wrapCertificateContainer } from './certificate-container.js';
import * as cmd from './commands.js';
import { authenticateManagementKey, MANAGEMENT_KEY_ALGORITHMS, type ManagementAuthMode } from './management-key.js';
import { publicKeyFromTemplate } from './public-key.js';
import { type EcdsaSignature, type RsaSignOptions, signEcdsa, signRsa } from './sign.js';
import { signatureFromResponse, signatureRequest } from './signature.js';

/** Result of the empty-VERIFY status query: verified now, or tries left (0 = blocked). */
export type PinStatus = { readonly verified: true } | { readonly verified: false; readonly retriesLeft: number };

/** YubiKey firmware version from GET VERSION. */
export interface YubiKeyVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** One PIV application session; open it with `PivSession.open(connection)`. Not safe for concurrent use: callers hold the card lock. */
export class PivSession {
  /** The APDU pipeline; `processor.exchanges` counts APDUs sent. */
  readonly processor: ApduProcessor;
  #application: PivApplicationInfo = { algorithms: [] };

  private constructor(processor: ApduProcessor) {
    this.processor = processor;
  }

  /** Wraps `connection` in an APDU pipeline and SELECTs the PIV application (`FILE_NOT_FOUND` when the card has none). */
  static async open(connection: CardConnection, options: ApduProcessorOptions = {}): Promise<PivSession> {
    const session = new PivSession(new ApduProcessor(connection, options));
    await session.select();
    return session;
  }

  /** The application property template of the last SELECT. */
  get application(): PivApplicationInfo {
    return this.#application;
  }

  /** Sends a request and returns its data on 9000; any other status word throws its typed error. */
  async send(request: cmd.PivRequest): Promise<Uint8Array> {
    return requireSuccess(await this.processor.transmit(request.command), request.context);
  }

  /** SELECTs the PIV application again (SP 800-73-4 Part 2 §3.1.1) and returns its property template. */
  async select(): Promise<PivApplicationInfo> {
    this.#application = parseApplicationTemplate(await this.send(cmd.selectPiv()));
    return this.#application;
  }

  /** The DER certificate in `slot`, or `null` when it has none. Throws `CERTIFICATE_COMPRESSED` / `CERTIFICATE_CONTAINER_MALFORMED`. */
  async readCertificate(slot: Slot): Promise<Uint8Array | null> {
    try {
      return unwrapCertificateContainer(await this.send(cmd.getData(certificateObject(slot))));
    } catch (error) {
      if (isCardError(error, CardErrorCode.DATA_OBJECT_NOT_FOUND)) return null;
      throw error;
    }
  }

  /** Writes a DER certificate to `slot`. Needs management-key authentication first. */
  async writeCertificate(slot: Slot, certificate: Uint8Array): Promise<void> {
    await this.send(cmd.putData(certificateObject(slot), wrapCertificateContainer(certificate)));
  }

  /** Empties the certificate object of `slot` (53 00). Needs management-key authentication first. */
  async deleteCertificate(slot: Slot): Promise<void> {
    await this.send(cmd.putData(certificateObject(slot), Uint8Array.of(0x53, 0x00)));
  }

  /** VERIFY the PIN. Throws `PIN_FORMAT_INVALID` (nothing sent), `PIN_INVALID` with `retriesLeft`, or `PIN_BLOCKED`. */
  async verifyPin(pin: string): Promise<void> {
    await this.send(cmd.verifyPin(pin));
  }

  /** The empty VERIFY (SP 800-73-4 Part 2 §3.2.1): costs no try. */
  async pinStatus(): Promise<PinStatus> {
    try {
      await this.send(cmd.verifyPin());
      return { verified: true };
    } catch (error) {
      if (error instanceof PinInvalidError) return { verified: false, retriesLeft: error.retriesLeft };
      if (isCardError(error, CardErrorCode.PIN_BLOCKED)) return { verified: false, retriesLeft: 0 };
      throw error;
    }
  }

  /** Changes the PIN (`PIN_INVALID`/`PIN_BLOCKED` when `current` is wrong). */
  async changePin(current: string, next: string): Promise<void> {
    await this.send(cmd.changeReference('pin', current, next));
  }

  /** Changes the PUK (`PUK_INVALID`/`PUK_BLOCKED` when `current` is wrong). */
  async changePuk(current: string, next: string): Promise<void> {
    await this.send(cmd.changeReference('puk', current, next));
  }

  /** Unblocks the PIN with the PUK and sets `newPin` (RESET RETRY COUNTER). Throws `PUK_INVALID`/`PUK_BLOCKED`. */
  async unblockPin(puk: string, newPin: string): Promise<void> {
    await this.send(cmd.resetRetryCounter(puk, newPin));
  }

  /** Authenticates with the management key 9B. Defaults: YubiKey default key, 3DES, mutual. Throws `MANAGEMENT_KEY_AUTH_FAILED`. */
  async authenticateManagementKey(key: Uint8Array = DEFAULT_MANAGEMENT_KEY, algorithm: number = Algorithm.TDES, mode: ManagementAuthMode = 'mutual'): Promise<void> {
    await authenticateManagementKey((data) => this.send(cmd.generalAuthenticate(algorithm, KeyRef.MANAGEMENT, data)), key, algorithm, mode);
  }

  /**
   * Replaces the management key (YubiKey SET MANAGEMENT KEY) with `key` for `algorithm` (03, 08, 0A, 0C).
   * Needs management-key authentication with the current key first.
   */
  async setManagementKey(key: Uint8Array, algorithm: number, requireTouch = false): Promise<void> {
    const spec = MANAGEMENT_KEY_ALGORITHMS[algorithm];
    if (spec === undefined || key.length !== spec.keyLength) {
      throw new CardError(CardErrorCode.INVALID_ARGUMENT, `A management key for algorithm ${algorithm} must be ${spec?.keyLength ?? '16, 24 or 32'} bytes`);
    }
    await this.send(cmd.setManagementKey(algorithm, key, requireTouch));
  }

  /** Generates a key pair in `slot` on the card and returns its SubjectPublicKeyInfo DER. Needs management-key authentication. */
  async generateKey(slot: number, algorithm: number, policy: cmd.KeyPolicy = {}): Promise<Uint8Array> {
    return publicKeyFromTemplate(await this.send(cmd.generateKeyPair(slot, algorithm, policy)), algorithm);
  }

  /** GENERAL AUTHENTICATE 7C { 82, 81 challenge } with the key in `slot`; returns the card's tag-82 value. */
  async generalAuthenticate(slot: number, algorithm: number, challenge: Uint8Array): Promise<Uint8Array> {
    return signatureFromResponse(await this.send(cmd.generalAuthenticate(algorithm, slot, signatureRequest(challenge))));
  }

  /** ECDSA signature over an already computed `digest` with the P-256 (11) or P-384 (14) key in `slot`; needs the PIN verified. */
  signEcdsa(slot: number, algorithm: number, digest: Uint8Array): Promise<EcdsaSignature> {
    return signEcdsa((alg, challenge) => this.generalAuthenticate(slot, alg, challenge), algorithm, digest);
  }

  /** RSA signature (PKCS#1 v1.5 or PSS, padded here) over `digest` with the RSA key in `slot`; needs the PIN verified. */
  signRsa(slot: number, algorithm: number, digest: Uint8Array, options: RsaSignOptions): Promise<Uint8Array> {
    return signRsa((alg, challenge) => this.generalAuthenticate(slot, alg, challenge), algorithm, digest, options);
  }

  /** YubiKey firmware version, or `null` when the card does not know GET VERSION. */
  async getVersion(): Promise<YubiKeyVersion | null> {
    const data = await this.#optional(cmd.yubiKeyQuery('version'));
    if (data === null) return null;
    if (data.length !== 3) throw new CardError(CardErrorCode.RESPONSE_INVALID, 'GET VERSION must return 3 bytes');
    return { major: data[0]!, minor: data[1]!, patch: data[2]! };
  }

  /** YubiKey serial number, or `null` when the card does not know GET SERIAL. */
  async getSerial(): Promise<number | null> {
    const data = await this.#optional(cmd.yubiKeyQuery('serial'));
    if (data === null) return null;
    if (data.length !== 4) throw new CardError(CardErrorCode.RESPONSE_INVALID, 'GET SERIAL must return 4 bytes');
    return ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
  }

  async #optional(request: cmd.PivRequest): Promise<Uint8Array | null> {
    try {
      return await this.send(request);
    } catch (error) {
      if (isCardError(error, CardErrorCode.INS_NOT_SUPPORTED) || isCardError(error, CardErrorCode.INCORRECT_PARAMETERS)) return null;
      throw error;
    }
  }
}

/** The certificate object tag of a slot; `INVALID_ARGUMENT` for a slot without one. */
function certificateObject(slot: Slot): Uint8Array {
  const tag = CERTIFICATE_OBJECT[slot] as Uint8Array | undefined;
  if (tag === undefined) throw new CardError(CardErrorCode.INVALID_ARGUMENT, `Slot ${Number(slot).toString(16)} has no certificate object`, { slot });
  return tag;
}
