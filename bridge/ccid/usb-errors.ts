/**
 * Maps what WebUSB throws (DOMException names and messages as Chrome produces them) to typed transport
 * errors, and bounds every transfer with a timeout. WebUSB cannot cancel one transfer, so a timeout leaves
 * the reader in an unknown state: the driver closes the device after one (closing aborts pending transfers).
 */
import { KyotsuError } from '../../src/errors.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { cardError, readerError } from './ccid-errors.js';

/** The WebUSB call that failed, for messages and for choosing the error. */
export type UsbOperation = 'open' | 'selectConfiguration' | 'claimInterface' | 'controlTransferIn' | 'transferIn' | 'transferOut' | 'close';

function exceptionName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}

function exceptionMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when a WebUSB exception says the device has gone away. */
export function isDisconnectError(error: unknown, device: USBDevice): boolean {
  const name = exceptionName(error);
  if (name === 'NotFoundError' && /disconnect/i.test(exceptionMessage(error))) return true;
  // After an unplug Chrome marks the device closed; any transfer error then means "gone".
  return (name === 'NotFoundError' || name === 'NetworkError' || name === 'InvalidStateError') && !device.opened;
}

/**
 * Turns anything a WebUSB call threw into a typed error. `reader` names the reader; `closedByUs` is true
 * once the driver itself closed the device (then an abort is expected, not an unplug).
 */
export function mapUsbError(error: unknown, operation: UsbOperation, reader: string, device: USBDevice, closedByUs = false): KyotsuError {
  if (error instanceof KyotsuError) return error;
  const name = exceptionName(error) ?? 'Error';
  const message = exceptionMessage(error);
  const details = { reader, operation, exception: name };
  if (!closedByUs && isDisconnectError(error, device)) {
    return cardError(CardErrorCode.READER_UNPLUGGED, `${reader} was unplugged`, details);
  }
  if (name === 'SecurityError') {
    if (operation === 'claimInterface') {
      // Chrome: "The requested interface implements a protected class." (class 0x0B for ordinary extensions)
      return cardError(
        CardErrorCode.TRANSPORT_REFUSED,
        `the browser does not let this extension use ${reader} over WebUSB (smart-card interface class 0x0B is protected); ` +
          'use the kyotsu native host (PC/SC) for this reader instead',
        details,
      );
    }
    return cardError(
      CardErrorCode.TRANSPORT_REFUSED,
      `access to ${reader} was denied (${message}); another program such as pcscd may hold it, or the OS does not grant access`,
      details,
    );
  }
  if (name === 'NetworkError' && operation === 'claimInterface') {
    // Chrome: "Unable to claim interface." when a kernel driver or another process (pcscd) has it.
    return cardError(
      CardErrorCode.TRANSPORT_REFUSED,
      `${reader} is in use by another program (for example pcscd); use the kyotsu native host (PC/SC) or stop that program`,
      details,
    );
  }
  if (name === 'AbortError' || closedByUs) {
    return cardError(CardErrorCode.CONNECTION_CLOSED, `the connection to ${reader} was closed during ${operation}`, details);
  }
  return readerError(`${operation} on ${reader} failed: ${name}: ${message}`, details);
}

/**
 * Resolves like `promise`, or rejects with TRANSPORT_TIMEOUT after `ms` milliseconds. The timer is always
 * cleared; the underlying transfer is not cancelled (WebUSB cannot), so the caller must close the device.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string, reader: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(cardError(CardErrorCode.TRANSPORT_TIMEOUT, `${reader} did not answer ${what} within ${ms} ms`, { reader, timeoutMs: ms }));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
