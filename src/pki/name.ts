/** X.501 `Name` values for the profile (RFC 5280 §4.1.2.4 and §4.1.2.6). */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID_COMMON_NAME } from './oids.js';

/** Upper bound of a commonName (RFC 5280 Appendix A.1, ub-common-name = 64). */
export const MAX_COMMON_NAME_LENGTH = 64;

/** One attribute of a name: its type and its text (encoded as UTF8String, RFC 5280 §4.1.2.6). */
export interface NameAttribute {
  /** Attribute type OID, e.g. {@link OID_COMMON_NAME} or `OID_ORGANIZATION_NAME`. */
  readonly type: string;
  readonly value: string;
}

/**
 * Builds a `Name` with one attribute per RDN, in the given order. pkijs would put every attribute into a
 * single multi-valued RDN, so the SEQUENCE OF SET is built with asn1js and handed to pkijs as a schema.
 */
export function buildName(attributes: readonly NameAttribute[]): pkijs.RelativeDistinguishedNames {
  const sequence = new asn1js.Sequence({
    value: attributes.map(
      (attribute) =>
        new asn1js.Set({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: attribute.type }), new asn1js.Utf8String({ value: attribute.value })],
            }),
          ],
        }),
    ),
  });
  const der = sequence.toBER(false);
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result, valueBeforeDecode: der });
}

/** The commonName of a name (the first one), or `undefined`. */
export function commonNameOf(name: pkijs.RelativeDistinguishedNames): string | undefined {
  const attribute = name.typesAndValues.find((entry) => entry.type === OID_COMMON_NAME);
  const value = attribute?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : undefined;
}
