/**
 * Reading a response body with a ceiling, for answers from parties we do not control (a service's JSON in
 * the extension, an OCSP responder or the CA on the server). A declared Content-Length over the limit is
 * refused before reading; otherwise the body is read as a stream and cancelled as soon as it passes the
 * limit, so an endless body costs at most `limit` bytes plus one chunk.
 */

/** The body's bytes, or null when it is longer than `limit` bytes (then nothing more is read). */
export async function readBodyWithin(response: Response, limit: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
