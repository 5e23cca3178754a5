/**
 * `AuthTokenVerifier`: verifyAuthToken with the relying party's configuration held once and a warm cache
 * of validated intermediate CAs (verify/intermediate-cache.ts). One instance per service process.
 */
import { type VerifiedAnyAuthToken, verifyAnyAuthTokenWith } from './batch/verify-any-auth-token.js';
import { verifyBatchAuthTokenWith } from './batch/verify-batch-auth-token.js';
import { validateCertificatePath } from './path/validate.js';
import { type RevocationOption } from './revocation/options.js';
import { IntermediateCache, type IntermediateCacheOptions } from './verify/intermediate-cache.js';
import { checkOptions, verifyAuthTokenWith } from './verify/core.js';
import { type PathValidator, type VerifiedAuthToken, type VerifyAuthTokenOptions } from './verify/types.js';

/** Configuration of an `AuthTokenVerifier`. */
export interface AuthTokenVerifierOptions {
  /** The service's own origin, e.g. `https://bank-a.example`. */
  readonly origin: string;
  /** DER trust anchors (may be issuing CAs that are not self-signed). */
  readonly trustAnchors: readonly Uint8Array[];
  /** DER intermediate CAs, any order. */
  readonly intermediates?: readonly Uint8Array[];
  readonly revocation: RevocationOption;
  /** The service's ID at the CA. */
  readonly service?: string;
  /** Intermediate cache settings (TTL default 1 hour). */
  readonly cache?: IntermediateCacheOptions;
  /** Clock for the verification time (default: now). */
  readonly now?: () => Date;
  /** Path validator to wrap (default `validateCertificatePath`). */
  readonly validatePath?: PathValidator;
}

/** Holds a relying party's verification settings and its intermediate cache. */
export class AuthTokenVerifier {
  /** The cache, exposed for metrics (`hits`, `misses`, `size`) and `clear()`. */
  readonly cache: IntermediateCache;
  private readonly options: AuthTokenVerifierOptions;

  constructor(options: AuthTokenVerifierOptions) {
    this.options = options;
    this.cache = new IntermediateCache(options.validatePath ?? validateCertificatePath, options.cache);
  }

  /** The service's origin, as configured. */
  get origin(): string {
    return this.options.origin;
  }

  /** Verifies `token` against the challenge this browser was given (already consumed). Same result and codes as `verifyAuthToken`. */
  verify(token: string | Uint8Array, challengeNonce: string): Promise<VerifiedAuthToken> {
    return verifyAuthTokenWith(this.cache.validator, token, this.optionsFor(challengeNonce));
  }

  /** Verifies a `kyotsu-batch:1` token (docs/batch-login.md). Same result and codes as `verifyBatchAuthToken`. */
  verifyBatch(token: string | Uint8Array, challengeNonce: string): Promise<VerifiedAuthToken> {
    return verifyBatchAuthTokenWith(this.cache.validator, token, this.optionsFor(challengeNonce));
  }

  /** Verifies a single (`web-eid:1.x`) or batch (`kyotsu-batch:1.x`) token, dispatching on its format. */
  verifyAny(token: string | Uint8Array, challengeNonce: string): Promise<VerifiedAnyAuthToken> {
    return verifyAnyAuthTokenWith(this.cache.validator, token, this.optionsFor(challengeNonce));
  }

  /** Throws `VERIFIER_CONFIG_INVALID` / `ORIGIN_MALFORMED` now rather than at the first login. */
  checkConfiguration(): void {
    checkOptions(this.optionsFor(`${'A'.repeat(43)}=`));
  }

  private optionsFor(challengeNonce: string): VerifyAuthTokenOptions {
    return {
      origin: this.options.origin,
      challengeNonce,
      trustAnchors: this.options.trustAnchors,
      ...(this.options.intermediates ? { intermediates: this.options.intermediates } : {}),
      revocation: this.options.revocation,
      ...(this.options.service === undefined ? {} : { service: this.options.service }),
      ...(this.options.now ? { now: this.options.now() } : {}),
    };
  }
}
