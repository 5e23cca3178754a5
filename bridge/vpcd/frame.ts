/**
 * vpcd wire framing (vsmartcard virtualsmartcard/src/vpcd/vpcd.c, sendToVICC/recvFromVICC): every message in
 * either direction is a 2-byte big-endian length followed by that many bytes. TCP delivers a stream, so the
 * decoder keeps whatever part of a frame has arrived and yields whole messages only.
 */
import { VpcdError, VpcdErrorCode } from './errors.js';

/** Largest payload the 2-byte length prefix can describe. */
export const MAX_FRAME_PAYLOAD = 0xffff;

/** Prefixes `payload` with its 2-byte big-endian length; throws `VPCD_FRAME_TOO_LONG` past 65535 bytes. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAME_PAYLOAD) {
    throw new VpcdError(VpcdErrorCode.VPCD_FRAME_TOO_LONG, `a vpcd frame carries at most ${MAX_FRAME_PAYLOAD} bytes`, {
      length: payload.length,
    });
  }
  const frame = new Uint8Array(payload.length + 2);
  frame[0] = payload.length >> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, 2);
  return frame;
}

/** Reassembles length-prefixed messages from stream chunks of any size (one byte, many frames at once). */
export class FrameDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Adds received bytes and returns every message now complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (joined.length - offset >= 2) {
      const length = (joined[offset]! << 8) | joined[offset + 1]!;
      if (joined.length - offset - 2 < length) break;
      messages.push(joined.slice(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.buffer = joined.slice(offset);
    return messages;
  }

  /** Bytes of an incomplete frame still waiting for the rest (0 between frames). */
  get pending(): number {
    return this.buffer.length;
  }
}
