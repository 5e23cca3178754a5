/** Revocation reasons (RFC 5280 §5.3.1 CRLReason) a holder or operator may give when invalidating. */

/** CRLReason codes by name (RFC 5280 §5.3.1). `certificateHold` (6) and `removeFromCRL` (8) are not offered: invalidation is final. */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const;

/** A revocation reason name, e.g. `keyCompromise`. */
export type RevocationReason = keyof typeof REVOCATION_REASON_CODES;

/** True when `value` is one of the accepted reason names. */
export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REVOCATION_REASON_CODES, value);
}
