/**
 * A strict JSON parser (RFC 8259) that refuses duplicate member names. `JSON.parse` silently keeps the
 * last of two equal names (RFC 8259 §4 leaves the behaviour open), so `{"algorithm":"ES256",
 * "algorithm":"none"}` could mean different things to different readers of the same token; a security
 * token must mean one thing. Names are compared after escape decoding (`"a"` equals `"\u0061"`).
 */

/** Why a text was refused. */
export type StrictJsonFailure = 'syntax' | 'duplicate-key' | 'too-deep';

/** Thrown by `parseStrictJson`; `reason` tells syntax errors from duplicate names. */
export class StrictJsonError extends Error {
  readonly reason: StrictJsonFailure;
  /** Offset in the text (UTF-16 code units) where the problem was found. */
  readonly offset: number;

  constructor(reason: StrictJsonFailure, message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'StrictJsonError';
    this.reason = reason;
    this.offset = offset;
  }
}

/** A parsed JSON value. Objects are plain objects whose own enumerable properties are the members. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]); // RFC 8259 §2 ws
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y; // RFC 8259 §6

class Parser {
  private offset = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.offset !== this.text.length) throw this.fail('syntax', 'unexpected text after the value');
    return value;
  }

  private fail(reason: StrictJsonFailure, message: string): StrictJsonError {
    return new StrictJsonError(reason, message, this.offset);
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.text.charCodeAt(this.offset))) this.offset++;
  }

  private expect(literal: string): void {
    if (!this.text.startsWith(literal, this.offset)) throw this.fail('syntax', `expected ${literal}`);
    this.offset += literal.length;
  }

  private value(depth: number): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.offset];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        this.expect('true');
        return true;
      case 'f':
        this.expect('false');
        return false;
      case 'n':
        this.expect('null');
        return null;
      default:
        return this.number();
    }
  }

  private object(depth: number): { [key: string]: JsonValue } {
    if (depth > this.maxDepth) throw this.fail('too-deep', 'nesting too deep');
    this.offset++; // '{'
    const out: { [key: string]: JsonValue } = {};
    const names = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') throw this.fail('syntax', 'expected a member name');
      const nameOffset = this.offset;
      const name = this.string();
      if (names.has(name)) throw new StrictJsonError('duplicate-key', `duplicate member name ${JSON.stringify(name)}`, nameOffset);
      names.add(name);
      this.skipWhitespace();
      this.expect(':');
      // defineProperty, not assignment: a member named "__proto__" must stay a member.
      Object.defineProperty(out, name, { value: this.value(depth), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.offset++];
      if (next === '}') return out;
      if (next !== ',') {
        this.offset--;
        throw this.fail('syntax', 'expected , or }');
      }
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) throw this.fail('too-deep', 'nesting too deep');
    this.offset++; // '['
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.offset++];
      if (next === ']') return out;
      if (next !== ',') {
        this.offset--;
        throw this.fail('syntax', 'expected , or ]');
      }
    }
  }

  private string(): string {
    this.offset++; // opening quote
    let out = '';
    let runStart = this.offset;
    for (;;) {
      const code = this.text.charCodeAt(this.offset);
      if (Number.isNaN(code)) throw this.fail('syntax', 'unterminated string');
      if (code < 0x20) throw this.fail('syntax', 'control character in string'); // RFC 8259 §7
      if (code === 0x22) {
        out += this.text.slice(runStart, this.offset);
        this.offset++;
        return out;
      }
      if (code === 0x5c) {
        out += this.text.slice(runStart, this.offset);
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          const hex = this.text.slice(this.offset + 2, this.offset + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('syntax', 'bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.offset += 6;
        } else {
          const decoded = escape === undefined ? undefined : ESCAPES[escape];
          if (decoded === undefined) throw this.fail('syntax', 'bad escape');
          out += decoded;
          this.offset += 2;
        }
        runStart = this.offset;
        continue;
      }
      this.offset++;
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (!match) throw this.fail('syntax', 'unexpected character');
    this.offset += match[0].length;
    return Number(match[0]);
  }
}

/**
 * Parses `text` as one JSON value (RFC 8259), refusing duplicate member names in any object and nesting
 * deeper than `maxDepth` (default 32). Throws `StrictJsonError`; never returns a partial value.
 */
export function parseStrictJson(text: string, maxDepth = 32): JsonValue {
  return new Parser(text, maxDepth).parseDocument();
}
