/** Parsing DER certificates strictly, with a typed error. */
import * as pkijs from 'pkijs';
import { fromSchema } from './der.js';
import { PkiErrorCode } from './errors.js';

/** Parses one DER X.509 certificate; throws `CERTIFICATE_MALFORMED` otherwise. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return fromSchema(der, PkiErrorCode.CERTIFICATE_MALFORMED, 'certificate', (schema) => new pkijs.Certificate({ schema }));
}
