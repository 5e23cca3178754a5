/**
 * PIV constants shared by the host-side session (bridge/piv) and the software card (bridge/softcard).
 * NIST SP 800-73-4 Part 1 (data model) and Part 2 (card command interface); YubiKey extensions per
 * Yubico's PIV documentation ("PIV extensions").
 */

/** PIV application identifier, SP 800-73-4 Part 1 §2.2: A0 00 00 03 08 00 00 10 00 01 00 (full). */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);
/** The RID + PIX prefix cards accept for SELECT by partial AID (SP 800-73-4 Part 2 §3.1.1). */
export const PIV_AID_PREFIX = PIV_AID.subarray(0, 9);

/** Instruction bytes, SP 800-73-4 Part 2 §3 (and YubiKey extensions). */
export const Ins = {
  SELECT: 0xa4,
  GET_DATA: 0xcb,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  PUT_DATA: 0xdb,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  GET_RESPONSE: 0xc0,
  /** YubiKey: GET VERSION. */
  GET_VERSION: 0xfd,
  /** YubiKey: GET SERIAL. */
  GET_SERIAL: 0xf8,
  /** YubiKey: IMPORT ASYMMETRIC KEY. */
  IMPORT_ASYMMETRIC_KEY: 0xfe,
  /** YubiKey: GET METADATA (firmware 5.3+). */
  GET_METADATA: 0xf7,
  /** YubiKey: SET MANAGEMENT KEY. */
  SET_MANAGEMENT_KEY: 0xff,
  /** YubiKey: SET PIN RETRIES. */
  SET_PIN_RETRIES: 0xfa,
  /** YubiKey: RESET (only when PIN and PUK are blocked). */
  RESET: 0xfb,
} as const;

/** Key references, SP 800-73-4 Part 1 Table 4b / Part 2 §5. */
export const KeyRef = {
  /** PIV Card Application PIN. */
  PIN: 0x80,
  /** PIN Unblocking Key. */
  PUK: 0x81,
  /** Card management key (9B). */
  MANAGEMENT: 0x9b,
} as const;

/** The four standard key slots this product uses. */
export const Slot = {
  /** PIV Authentication — the common certificate's slot. */
  AUTHENTICATION: 0x9a,
  /** Digital Signature. */
  SIGNATURE: 0x9c,
  /** Key Management. */
  KEY_MANAGEMENT: 0x9d,
  /** Card Authentication. */
  CARD_AUTHENTICATION: 0x9e,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/** Data object tags (BER-TLV 5C values) of each slot's certificate, SP 800-73-4 Part 1 Table 3. */
export const CERTIFICATE_OBJECT: Readonly<Record<Slot, Uint8Array>> = {
  [Slot.AUTHENTICATION]: Uint8Array.of(0x5f, 0xc1, 0x05),
  [Slot.SIGNATURE]: Uint8Array.of(0x5f, 0xc1, 0x0a),
  [Slot.KEY_MANAGEMENT]: Uint8Array.of(0x5f, 0xc1, 0x0b),
  [Slot.CARD_AUTHENTICATION]: Uint8Array.of(0x5f, 0xc1, 0x01),
};

/** Other data objects, SP 800-73-4 Part 1 Table 3. */
export const DataObject = {
  /** Card Holder Unique Identifier. */
  CHUID: Uint8Array.of(0x5f, 0xc1, 0x02),
  /** Card Capability Container. */
  CCC: Uint8Array.of(0x5f, 0xc1, 0x07),
  /** Discovery object (tag 7E, one-byte object ID). */
  DISCOVERY: Uint8Array.of(0x7e),
} as const;

/** Cryptographic mechanism identifiers, SP 800-78-4 Table 6-2 (and YubiKey's AES management keys). */
export const Algorithm = {
  TDES: 0x03,
  RSA_1024: 0x06,
  RSA_2048: 0x07,
  AES_128: 0x08,
  AES_192: 0x0a,
  AES_256: 0x0c,
  ECC_P256: 0x11,
  ECC_P384: 0x14,
} as const;
export type Algorithm = (typeof Algorithm)[keyof typeof Algorithm];

/** Tags of the certificate container, SP 800-73-4 Part 1 Appendix A (Table 10ff). */
export const CertContainerTag = {
  /** The data object wrapper returned by GET DATA. */
  DATA: 0x53,
  CERTIFICATE: 0x70,
  /** CertInfo: bit 0 set = certificate is gzip-compressed. */
  CERT_INFO: 0x71,
  ERROR_DETECTION_CODE: 0xfe,
} as const;

/** Tags of the dynamic authentication template, SP 800-73-4 Part 2 §3.2.4 (Table 7). */
export const AuthTag = {
  TEMPLATE: 0x7c,
  WITNESS: 0x80,
  CHALLENGE: 0x81,
  RESPONSE: 0x82,
  EXPONENTIATION: 0x85,
} as const;

/** YubiKey default management key (3DES, also accepted as AES-192 on firmware 5.7+). */
export const DEFAULT_MANAGEMENT_KEY = Uint8Array.of(
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
);

/** Default PIN and PUK of a fresh card (YubiKey convention). */
export const DEFAULT_PIN = '123456';
export const DEFAULT_PUK = '12345678';
