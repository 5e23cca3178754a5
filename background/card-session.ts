/**
 * What the background's card operations need from a card, in PIV terms (NIST SP 800-73-4). The PIV
 * session of bridge/piv provides it (background/piv-card-session.ts adapts it); unit tests use a fake.
 * Every method maps card status words to the typed errors of src/card-errors.ts (PIN_INVALID with
 * `retriesLeft`, PIN_BLOCKED, …) — the background never looks at a status word itself.
 */
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { type EnrollAlgorithm } from '../src/message-results.js';
import { type TokenAlgorithm } from '../src/protocol/algorithms.js';
import { type TokenSignature } from '../src/protocol/token-builder.js';

/** One selected PIV application on one powered card. */
export interface CardSession {
  /** A stable identity of this card (PIN cache key): the card serial or CHUID, never secret. */
  cardId(): Promise<string>;
  /** DER of the PIV Authentication certificate (slot 9A), or null when the slot is empty. */
  readAuthCertificate(): Promise<Uint8Array | null>;
  /** PIN tries left, from an empty VERIFY (SP 800-73-4 Part 2 §3.2.1); 0 when blocked; null when already verified. */
  pinRetries(): Promise<number | null>;
  /** VERIFY PIN (key reference 80). Throws `PIN_INVALID{retriesLeft}` / `PIN_BLOCKED`. */
  verifyPin(pin: string): Promise<void>;
  /** GENERAL AUTHENTICATE with the 9A key over a digest (the card pads for RSA via the session). */
  signDigest(algorithm: TokenAlgorithm, digest: Uint8Array): Promise<TokenSignature>;
  /** GENERATE ASYMMETRIC KEY PAIR in 9A after management-key authentication; returns the SPKI DER. */
  generateAuthKey(algorithm: EnrollAlgorithm): Promise<Uint8Array>;
  /** PUT DATA of the 9A certificate container after management-key authentication. */
  writeAuthCertificate(certificate: Uint8Array): Promise<void>;
  /** CHANGE REFERENCE DATA for the PIN. */
  changePin(currentPin: string, newPin: string): Promise<void>;
  /** RESET RETRY COUNTER: unblocks the PIN with the PUK and sets `newPin`. */
  unblockPin(puk: string, newPin: string): Promise<void>;
}

/** SELECTs the PIV application on a connection and returns the session. */
export type OpenCardSession = (connection: CardConnection) => Promise<CardSession>;
