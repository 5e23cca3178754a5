/**
 * Native-messaging framing (Chrome "Native messaging" protocol, Firefox likewise): every message, in both
 * directions, is a 32-bit length in the machine's native byte order followed by that many bytes of UTF-8
 * JSON. The reader never buffers more than `maxBytes` of one message: a longer one is skipped as it streams
 * past and reported, with its first bytes, so the host can answer it with a typed error and carry on.
 */
import { endianness } from 'node:os';

/** Native byte order of this machine, as the browser writes the length. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** How many leading bytes of an oversized message are kept (enough to find its `"id"`). */
const HEAD_BYTES = 64;

/** What the reader yields. */
export type Frame =
  /** A whole message body (not yet decoded). */
  | { readonly kind: 'message'; readonly body: Uint8Array }
  /** A message longer than allowed, skipped: its announced length and its first bytes. */
  | { readonly kind: 'oversized'; readonly length: number; readonly head: Uint8Array };

/** Frames `body` with its native-endian 32-bit length. */
export function frameBytes(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, LITTLE_ENDIAN);
  out.set(body, 4);
  return out;
}

/** Serialises `value` as JSON and frames it. */
export function encodeNativeMessage(value: unknown): Uint8Array {
  return frameBytes(new TextEncoder().encode(JSON.stringify(value)));
}

/** Reads frames from a byte stream split anywhere. */
export class NativeMessageReader {
  private header = new Uint8Array(4);
  private headerFilled = 0;
  private body: Uint8Array | undefined;
  private bodyFilled = 0;
  /** Bytes still to skip of an oversized message, and what was kept of it. */
  private skipping: { remaining: number; length: number; head: Uint8Array; headFilled: number } | undefined;

  constructor(private readonly maxBytes: number) {}

  /** True while part of a message has been read (at end of input that message is truncated). */
  get midMessage(): boolean {
    return this.headerFilled > 0 || this.body !== undefined || this.skipping !== undefined;
  }

  /** Consumes `chunk` and returns every frame it completes, in order. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.skipping) {
        const skip = this.skipping;
        const take = Math.min(skip.remaining, chunk.length - offset);
        const keep = Math.min(take, skip.head.length - skip.headFilled);
        skip.head.set(chunk.subarray(offset, offset + keep), skip.headFilled);
        skip.headFilled += keep;
        skip.remaining -= take;
        offset += take;
        if (skip.remaining === 0) {
          frames.push({ kind: 'oversized', length: skip.length, head: skip.head.subarray(0, skip.headFilled) });
          this.skipping = undefined;
        }
        continue;
      }
      if (this.body) {
        const take = Math.min(this.body.length - this.bodyFilled, chunk.length - offset);
        this.body.set(chunk.subarray(offset, offset + take), this.bodyFilled);
        this.bodyFilled += take;
        offset += take;
        if (this.bodyFilled === this.body.length) {
          frames.push({ kind: 'message', body: this.body });
          this.body = undefined;
        }
        continue;
      }
      const take = Math.min(4 - this.headerFilled, chunk.length - offset);
      this.header.set(chunk.subarray(offset, offset + take), this.headerFilled);
      this.headerFilled += take;
      offset += take;
      if (this.headerFilled < 4) continue;
      this.headerFilled = 0;
      const length = new DataView(this.header.buffer).getUint32(0, LITTLE_ENDIAN);
      if (length > this.maxBytes) {
        this.skipping = { remaining: length, length, head: new Uint8Array(Math.min(HEAD_BYTES, length)), headFilled: 0 };
      } else if (length === 0) {
        frames.push({ kind: 'message', body: new Uint8Array(0) });
      } else {
        this.body = new Uint8Array(length);
        this.bodyFilled = 0;
      }
    }
    return frames;
  }
}
