/**
 * A warm cache of intermediate CAs already validated up to a trust anchor, so that verifying a login needs
 * only the last link (leaf ← its issuing CA) instead of the whole path.
 *
 * How it stays sound: an intermediate enters the cache only after a FULL path through it validated for a
 * real leaf (so it was processed as an intermediate: CA, keyCertSign, path length — RFC 5280 §6.1.4 (k),
 * (l), (n)), and only when no certificate on that path carries name constraints, policy mappings, policy
 * constraints or inhibitAnyPolicy (§4.2.1.10, .5, .11, .14) — the only constraints an upper CA puts on a
 * leaf below it that the short path would not re-check. Later leaves issued by a cached intermediate are
 * validated with that intermediate as the trust anchor (§6.2: any CA may be a trust anchor), which still
 * applies the intermediate's own constraints. Entries expire after a TTL and outside the validity window of
 * the cached path; a short-path failure falls back to full validation so errors keep their precise codes.
 * With CRL checking the full path is always validated (every certificate on it needs its CRL).
 */
import { bytesEqual } from '../../../src/bytes.js';
import { type ParsedCertificate, parseCertificate } from '../path/certificate.js';
import { PathFailure } from '../path/failure.js';
import { type PathValidationInput, type PathValidationResult, type PathValidator } from './types.js';

// Extensions on an upper CA that constrain leaves below it (RFC 5280 §6.1.3 (b)(c), §6.1.4 (a)(b)(i)(j)).
const LEAF_CONSTRAINING_EXTENSIONS = new Set(['2.5.29.30', '2.5.29.33', '2.5.29.36', '2.5.29.54']);

interface Entry {
  /** DER of the intermediate. */
  readonly der: Uint8Array;
  /** Its subject's RFC 5280 §7.1 comparison key: a lookup hint, the validator decides. */
  readonly subjectKey: string;
  /** The validated path of the first leaf, without that leaf. */
  readonly upperPath: readonly Uint8Array[];
  /** The instants between which every certificate of `upperPath` is valid. */
  readonly validFrom: number;
  readonly validUntil: number;
  /** Re-validate after this instant (wall clock). */
  readonly expiresAt: number;
}

/** Options of `IntermediateCache`. */
export interface IntermediateCacheOptions {
  /** How long a validated intermediate is trusted without re-validation (default 1 hour). */
  readonly ttlMs?: number;
  /** Most intermediates cached (default 256). */
  readonly maxEntries?: number;
  /** Wall clock for the TTL (default Date.now). */
  readonly clock?: () => number;
}

/** Wraps a path validator with the warm intermediate cache. */
export class IntermediateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  /** Number of validations answered through the short path (for tests and the benchmark). */
  hits = 0;
  /** Number of full-path validations. */
  misses = 0;

  constructor(
    private readonly validate: PathValidator,
    options: IntermediateCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 256;
    this.clock = options.clock ?? Date.now;
  }

  /** Intermediates currently cached. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every cached intermediate. */
  clear(): void {
    this.entries.clear();
  }

  /** The caching validator: same contract as `validateCertificatePath`. */
  readonly validator: PathValidator = async (input) => {
    if (input.revocation === 'crl' || (input.crls?.length ?? 0) > 0) return this.full(input);
    // Lookup by issuer name (the parse is memoised, so this costs no second decode); only a hint — a wrong
    // candidate fails the short validation below and falls through to full validation.
    let leaf: ParsedCertificate;
    try {
      leaf = parseCertificate(input.leaf);
    } catch (error) {
      if (error instanceof PathFailure) return this.full(input);
      throw error;
    }
    const time = input.time.getTime();
    const wall = this.clock();
    for (const entry of this.entries.values()) {
      if (entry.subjectKey !== leaf.issuer.key || wall >= entry.expiresAt || time < entry.validFrom || time > entry.validUntil) continue;
      if (!input.trustAnchors.some((anchor) => entry.upperPath.some((der) => bytesEqual(der, anchor)))) continue; // cached under other anchors
      const short = await this.validate({ leaf: input.leaf, intermediates: [], trustAnchors: [entry.der], time: input.time, revocation: 'none' });
      if (short.ok) {
        this.hits++;
        return { ok: true, path: [...entry.upperPath, input.leaf] };
      }
    }
    return this.full(input);
  };

  private async full(input: PathValidationInput): Promise<PathValidationResult> {
    this.misses++;
    const result = await this.validate(input);
    if (result.ok && input.revocation !== 'crl' && (input.crls?.length ?? 0) === 0) this.remember(result.path, input.leaf);
    return result;
  }

  private remember(path: readonly Uint8Array[], leafDer: Uint8Array): void {
    const leaf = parseCertificate(leafDer);
    const upperPath = path.filter((der) => !bytesEqual(der, leafDer));
    const upper = upperPath.map((der) => parseCertificate(der));
    const issuerIndex = upper.findIndex((cert) => cert.subject.key === leaf.issuer.key);
    if (issuerIndex === -1) return;
    // A leaf issued directly by a trust anchor needs no cache; only intermediates are worth it.
    if (upper.length < 2) return;
    if (upper.some((cert) => [...cert.extensions.keys()].some((id) => LEAF_CONSTRAINING_EXTENSIONS.has(id)))) return;
    const key = Buffer.from(upperPath[issuerIndex]!).toString('base64');
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, {
      der: upperPath[issuerIndex]!,
      subjectKey: upper[issuerIndex]!.subject.key,
      upperPath,
      validFrom: Math.max(...upper.map((c) => c.notBefore.getTime())),
      validUntil: Math.min(...upper.map((c) => c.notAfter.getTime())),
      expiresAt: this.clock() + this.ttlMs,
    });
  }
}
