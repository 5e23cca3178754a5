/**
 * The one error type the path validator throws internally; `validateCertificatePath` turns it into
 * `{ ok: false, code, message }`. Nothing else should escape a module of this directory.
 */
import { KyotsuError } from '../../../src/errors.js';
import { type PathCode } from './codes.js';

/** A path-validation failure with a stable `PathCode`. */
export class PathFailure extends KyotsuError {
  declare readonly code: PathCode;

  constructor(code: PathCode, message: string) {
    super(code, message);
    this.name = 'PathFailure';
  }
}

/** Throws a `PathFailure`; for use in expressions (`x ?? fail(...)`). */
export function fail(code: PathCode, message: string): never {
  throw new PathFailure(code, message);
}
