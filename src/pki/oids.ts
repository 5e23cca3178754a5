/** Object identifiers used by the certificate profile, CRLs and OCSP, each with the section defining it. */

/** RFC 5280 §4.2.1.1 authorityKeyIdentifier. */
export const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
/** RFC 5280 §4.2.1.2 subjectKeyIdentifier. */
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
/** RFC 5280 §4.2.1.3 keyUsage. */
export const OID_KEY_USAGE = '2.5.29.15';
/** RFC 5280 §4.2.1.9 basicConstraints. */
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
/** RFC 5280 §4.2.1.12 extKeyUsage. */
export const OID_EXT_KEY_USAGE = '2.5.29.37';
/** RFC 5280 §4.2.1.13 cRLDistributionPoints. */
export const OID_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
/** RFC 5280 §4.2.2.1 authorityInfoAccess. */
export const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
/** RFC 5280 §4.2.2.1 id-ad-ocsp access method. */
export const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
/** RFC 5280 §4.2.2.1 id-ad-caIssuers access method. */
export const OID_AD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';
/** RFC 5280 §4.2.1.12 id-kp-clientAuth. */
export const OID_KP_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
/** RFC 5280 §4.2.1.12 id-kp-OCSPSigning. */
export const OID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** RFC 6960 §4.2.2.2.1 id-pkix-ocsp-nocheck. */
export const OID_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
/** RFC 6960 §4.4.1 id-pkix-ocsp-nonce. */
export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
/** RFC 6960 §4.2.1 id-pkix-ocsp-basic response type. */
export const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** RFC 5280 §5.2.3 cRLNumber. */
export const OID_CRL_NUMBER = '2.5.29.20';
/** RFC 5280 §5.3.1 reasonCode (CRL entry extension). */
export const OID_CRL_REASON = '2.5.29.21';
/** X.520 commonName (RFC 5280 §4.1.2.6 / Appendix A). */
export const OID_COMMON_NAME = '2.5.4.3';
/** X.520 organizationName. */
export const OID_ORGANIZATION_NAME = '2.5.4.10';

/** RFC 5480 §2.1.1 id-ecPublicKey. */
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** RFC 5480 §2.1.1.1 secp256r1 (P-256). */
export const OID_CURVE_P256 = '1.2.840.10045.3.1.7';
/** RFC 5480 §2.1.1.1 secp384r1 (P-384). */
export const OID_CURVE_P384 = '1.3.132.0.34';
/** RFC 3279 §2.3.1 rsaEncryption. */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** RFC 5758 §3.2 ecdsa-with-SHA256 / SHA384 / SHA512. */
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';
export const OID_ECDSA_WITH_SHA512 = '1.2.840.10045.4.3.4';
/** RFC 4055 §5 sha256/384/512WithRSAEncryption and RFC 4055 §3.1 RSASSA-PSS. */
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_SHA384_WITH_RSA = '1.2.840.113549.1.1.12';
export const OID_SHA512_WITH_RSA = '1.2.840.113549.1.1.13';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Hash algorithm OIDs (RFC 3279 §2.2.1 SHA-1; RFC 5754 §2 SHA-2) as used in OCSP `CertID`. */
export const OID_SHA1 = '1.3.14.3.2.26';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
export const OID_SHA512 = '2.16.840.1.101.3.4.2.3';
