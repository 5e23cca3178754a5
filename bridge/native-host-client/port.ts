/**
 * What the client needs of a native-messaging port: the shape of `runtime.Port` from
 * `chrome.runtime.connectNative` / `browser.runtime.connectNative`, so the extension passes the browser's
 * port as it is and tests pass a port over a pipe to the real host program.
 */
import { NativeHostError, NativeHostErrorCode } from '../../src/native-host-errors.js';

/** A `runtime.Port`-like object connected to the native host. */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: (port: NativePort) => void): void };
  /** Firefox: why the port closed (set when `onDisconnect` fires). Chrome reports it in `runtime.lastError`. */
  readonly error?: { readonly message?: string } | null;
}

/** Why the browser closed a native port, as a typed error. `reason` is the browser's own words, if any. */
export function disconnectError(reason: string | undefined): NativeHostError {
  const text = reason ?? 'the native host closed the connection';
  // Chrome: "Specified native messaging host not found."; Firefox: "No such native application NAME".
  if (/not found|no such native application/i.test(text)) {
    return new NativeHostError(NativeHostErrorCode.HOST_NOT_FOUND, `The kyotsu native host is not installed for this browser (${text}): run 'kyotsu host install'`, { reason: text });
  }
  // Chrome: "Access to the specified native messaging host is forbidden."; Firefox: "… does not have permission to use native application …".
  if (/forbidden|does not have permission/i.test(text)) {
    return new NativeHostError(NativeHostErrorCode.HOST_FORBIDDEN, `The kyotsu native host does not allow this extension (${text}): run 'kyotsu host install' again`, { reason: text });
  }
  return new NativeHostError(NativeHostErrorCode.HOST_DISCONNECTED, `The kyotsu native host stopped (${text})`, { reason: text });
}
