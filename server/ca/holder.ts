/** Validation of the holder particulars sent with an issue request. */
import { CaErrorCode, type Holder } from '../../src/ca-api.js';
import { KyotsuError } from '../../src/errors.js';
import { MAX_COMMON_NAME_LENGTH } from '../../src/pki/name.js';

/** Longest postal address accepted. */
export const MAX_ADDRESS_LENGTH = 512;
/** Longest e-mail address accepted (RFC 5321 §4.5.3.1.3 path limit). */
export const MAX_EMAIL_LENGTH = 254;

function invalid(field: string, message: string): KyotsuError {
  return new KyotsuError(CaErrorCode.INVALID_REQUEST, message, { field });
}

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Checks a holder from untrusted JSON and returns it typed; throws `INVALID_REQUEST` naming the field. */
export function parseHolder(value: unknown): Holder {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('holder', 'holder must be an object');
  const record = value as Record<string, unknown>;
  const { name, address, email } = record;
  if (typeof name !== 'string' || name.trim().length === 0) throw invalid('holder.name', 'holder.name must be a non-empty string');
  if ([...name].length > MAX_COMMON_NAME_LENGTH) throw invalid('holder.name', `holder.name must be at most ${MAX_COMMON_NAME_LENGTH} characters`);
  if (name !== name.trim() || CONTROL.test(name)) throw invalid('holder.name', 'holder.name must not have control characters or surrounding spaces');
  if (typeof address !== 'string' || address.length > MAX_ADDRESS_LENGTH) {
    throw invalid('holder.address', `holder.address must be a string of at most ${MAX_ADDRESS_LENGTH} characters`);
  }
  if (typeof email !== 'string' || email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw invalid('holder.email', 'holder.email must be an e-mail address');
  }
  const extra = Object.keys(record).filter((key) => !['name', 'address', 'email'].includes(key));
  if (extra.length > 0) throw invalid(`holder.${extra[0]!}`, `unknown field holder.${extra[0]!}`);
  return { name: name.normalize('NFC'), address, email };
}
