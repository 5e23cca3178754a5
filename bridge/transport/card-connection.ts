/**
 * The lowest layer of the card stack: something that carries command APDUs to a card and brings back
 * response APDUs (data ‖ SW1 SW2), byte for byte. WebUSB CCID, WebHID, native messaging to PC/SC and the
 * software card all end up as a `CardConnection`; the APDU layer above it never knows which.
 */

/** An open, powered connection to one card. */
export interface CardConnection {
  /** The card's Answer To Reset (ISO/IEC 7816-3 §8). */
  readonly atr: Uint8Array;
  /**
   * Sends one command APDU and resolves to the whole response APDU including SW1 SW2. Status words are
   * not interpreted here. Rejects with a typed card error when the card or reader goes away.
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Powers the card down and releases the reader; idempotent. */
  close(): Promise<void>;
}

/**
 * A card as a reader sees it (contacts, not a connection): the software PIV card implements this, and the
 * simulated CCID reader and the vpcd bridge put one behind their own wire formats.
 */
export interface IccCard {
  /** Cold or warm reset: powers the card up, resets its volatile state (selected applet, PIN verified) and returns the ATR. */
  powerOn(): Promise<Uint8Array>;
  /** Removes power: volatile state (selected applet, PIN verified, management key authenticated) is lost. */
  powerOff(): Promise<void>;
  /** Processes one command APDU while powered and returns the response APDU (data ‖ SW1 SW2). */
  process(command: Uint8Array): Promise<Uint8Array>;
}
