/** Web origins as the token signs them: the ASCII serialisation (HTML §7.5 "serialization of an origin"). */

/**
 * True when `value` is exactly the serialisation of an http(s) tuple origin: scheme, host and a
 * non-default port only — `https://bank.example`, `http://127.0.0.1:8443` — with no path, no trailing slash,
 * no user info and lower-case host (what `new URL(x).origin` produces and what the browser reports as
 * `sender.origin`).
 */
export function isOriginSerialization(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
}
