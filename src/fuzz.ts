/**
 * Deterministic fuzzing helpers for parser tests: a seeded PRNG (mulberry32) and a byte mutator that
 * flips bits, overwrites, inserts, deletes, truncates, extends and splices. Same seed, same inputs: a
 * failure reproduces. Test support only; not used by product code.
 */

/** A PRNG returning floats in [0, 1), seeded with a 32-bit integer (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** Interesting byte values for lengths and tags. */
const SPECIAL = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0x1f, 0x5f, 0x7f, 0x61, 0x6c, 0x90];

/** Returns a mutated copy of `input`: one to four random edits. */
export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  let bytes = Array.from(input);
  const edits = 1 + randomInt(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = randomInt(random, bytes.length + 1);
    switch (randomInt(random, 7)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << randomInt(random, 8);
        break;
      case 1: // overwrite with a special or random byte
        if (bytes.length > 0) bytes[at % bytes.length] = random() < 0.5 ? SPECIAL[randomInt(random, SPECIAL.length)]! : randomInt(random, 256);
        break;
      case 2: // insert
        bytes.splice(at, 0, random() < 0.5 ? SPECIAL[randomInt(random, SPECIAL.length)]! : randomInt(random, 256));
        break;
      case 3: // delete a run
        bytes.splice(at, 1 + randomInt(random, 4));
        break;
      case 4: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 5: // extend with random bytes
        bytes.push(...Array.from({ length: 1 + randomInt(random, 16) }, () => randomInt(random, 256)));
        break;
      default: {
        // duplicate a slice somewhere else
        const from = randomInt(random, bytes.length + 1);
        bytes.splice(at, 0, ...bytes.slice(from, from + randomInt(random, 32)));
      }
    }
  }
  return Uint8Array.from(bytes);
}
