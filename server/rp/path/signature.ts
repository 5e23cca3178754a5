/**
 * Signature verification for certificates and CRLs (RFC 5280 §6.1.3 (a)(1), §6.3.3 (g)) with the
 * platform's WebCrypto (`globalThis.crypto.subtle`). Algorithms: RSA PKCS #1 v1.5 with SHA-1/224/
 * 256/384/512 (RFC 3279 §2.2.1, RFC 4055 §5), RSASSA-PSS (RFC 4055 §3), ECDSA on P-256/P-384/P-521
 * with SHA-2 (RFC 5758 §3.2, RFC 5480). WebCrypto has no SHA-224 and cannot import an id-RSASSA-PSS
 * SubjectPublicKeyInfo, so those two cases go through node:crypto. DSA is not supported.
 */
import { createPublicKey, constants as cryptoConstants, verify as nodeVerify } from 'node:crypto';
import { TagClass, Tag, children, hasTag, malformed, oid, parseDer, sequence, smallInteger } from './asn1.js';
import { type AlgorithmId, type SignedObject, parseAlgorithmId } from './certificate.js';
import { PathCode } from './codes.js';
import { fail } from './failure.js';
import { derToRawEcdsa } from '../../../src/crypto/ecdsa-signature.js';
import { toHex } from '../../../src/bytes.js';

type Hash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const RSA_PKCS1: Record<string, Hash> = {
  '1.2.840.113549.1.1.5': 'SHA-1', '1.2.840.113549.1.1.14': 'SHA-224', '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384', '1.2.840.113549.1.1.13': 'SHA-512',
};
const ECDSA: Record<string, Hash> = {
  '1.2.840.10045.4.3.1': 'SHA-224', '1.2.840.10045.4.3.2': 'SHA-256', '1.2.840.10045.4.3.3': 'SHA-384', '1.2.840.10045.4.3.4': 'SHA-512',
};
const HASHES: Record<string, Hash> = {
  '1.3.14.3.2.26': 'SHA-1', '2.16.840.1.101.3.4.2.4': 'SHA-224', '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384', '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const CURVES: Record<string, { name: string; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 }, '1.3.132.0.34': { name: 'P-384', size: 48 }, '1.3.132.0.35': { name: 'P-521', size: 66 },
};
const DSA_OIDS = new Set(['1.2.840.10040.4.1', '1.2.840.10040.4.3', '2.16.840.1.101.3.4.3.1', '2.16.840.1.101.3.4.3.2']);

/** How one signature is checked, derived from the signature and key AlgorithmIdentifiers. */
type Scheme =
  | { readonly kind: 'pkcs1'; readonly hash: Hash }
  | { readonly kind: 'pss'; readonly hash: Hash; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: Hash; readonly curve: { name: string; size: number } };

function isNullOrAbsent(parameters: Uint8Array | undefined): boolean {
  return parameters === undefined || (parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00);
}

function unsupported(message: string): never {
  return fail(PathCode.UNSUPPORTED_ALGORITHM, message);
}

// RFC 4055 §3.1 RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0], maskGenAlgorithm [1], saltLength [2], trailerField [3] }
function parsePssParameters(parameters: Uint8Array | undefined): { hash: Hash; saltLength: number } {
  if (parameters === undefined) return malformed('RSASSA-PSS parameters');
  let hash: Hash = 'SHA-1';
  let mgfHash: Hash = 'SHA-1';
  let saltLength = 20;
  for (const field of sequence(parseDer(parameters, 'RSASSA-PSS parameters'), 'RSASSA-PSS parameters')) {
    // Each field is an EXPLICIT context tag around its value.
    if (field.idBlock.tagClass !== TagClass.CONTEXT) malformed('RSASSA-PSS parameters');
    const [inner, extra] = children(field, 'RSASSA-PSS parameter');
    if (!inner || extra) malformed('RSASSA-PSS parameters');
    switch (field.idBlock.tagNumber) {
      case 0:
        hash = HASHES[parseAlgorithmId(inner, 'PSS hashAlgorithm').oid] ?? unsupported('RSASSA-PSS with an unsupported hash');
        break;
      case 1: {
        const mgf = parseAlgorithmId(inner, 'PSS maskGenAlgorithm');
        if (mgf.oid !== MGF1 || mgf.parameters === undefined) unsupported('RSASSA-PSS with a mask generation function other than MGF1');
        mgfHash = HASHES[parseAlgorithmId(parseDer(mgf.parameters, 'MGF1 hash'), 'MGF1 hash').oid] ?? unsupported('MGF1 with an unsupported hash');
        break;
      }
      case 2:
        saltLength = smallInteger(inner, 'PSS saltLength');
        break;
      case 3:
        if (smallInteger(inner, 'PSS trailerField') !== 1) unsupported('RSASSA-PSS trailerField other than 1');
        break;
      default:
        malformed('RSASSA-PSS parameters');
    }
  }
  // WebCrypto (and every sane profile, RFC 4055 §3.1) uses the same hash for the message and MGF1.
  if (mgfHash !== hash) unsupported('RSASSA-PSS with different message and MGF1 hashes');
  return { hash, saltLength };
}

/** The scheme, or 'mismatch' when the issuer's key cannot have made a signature of this algorithm. */
function schemeFor(signatureAlgorithm: AlgorithmId, keyAlgorithm: AlgorithmId): Scheme | 'mismatch' {
  const sig = signatureAlgorithm.oid;
  if (DSA_OIDS.has(sig) || DSA_OIDS.has(keyAlgorithm.oid)) unsupported('DSA signatures and keys are not supported');
  const pkcs1 = RSA_PKCS1[sig];
  if (pkcs1) {
    if (!isNullOrAbsent(signatureAlgorithm.parameters)) malformed('RSA signature algorithm parameters');
    if (keyAlgorithm.oid !== RSA_ENCRYPTION) return 'mismatch';
    return { kind: 'pkcs1', hash: pkcs1 };
  }
  if (sig === RSASSA_PSS) {
    if (keyAlgorithm.oid !== RSA_ENCRYPTION && keyAlgorithm.oid !== RSASSA_PSS) return 'mismatch';
    return { kind: 'pss', ...parsePssParameters(signatureAlgorithm.parameters) };
  }
  const ecdsa = ECDSA[sig];
  if (ecdsa) {
    // RFC 5758 §3.2: the parameters field MUST be absent.
    if (signatureAlgorithm.parameters !== undefined) malformed('ECDSA signature algorithm parameters');
    if (keyAlgorithm.oid !== EC_PUBLIC_KEY || keyAlgorithm.parameters === undefined) return 'mismatch';
    const curveNode = parseDer(keyAlgorithm.parameters, 'EC parameters');
    if (!hasTag(curveNode, TagClass.UNIVERSAL, Tag.OID)) unsupported('EC keys with explicit curve parameters are not supported');
    const curve = CURVES[oid(curveNode, 'namedCurve')] ?? unsupported('the EC curve is not supported (P-256, P-384, P-521 are)');
    return { kind: 'ecdsa', hash: ecdsa, curve };
  }
  return unsupported(`signature algorithm ${sig} is not supported`);
}

const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 256;

function importKey(spki: Uint8Array, scheme: Scheme): Promise<CryptoKey> {
  const algorithm = scheme.kind === 'ecdsa'
    ? { name: 'ECDSA', namedCurve: scheme.curve.name }
    : { name: scheme.kind === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: scheme.hash };
  const cacheKey = `${JSON.stringify(algorithm)}:${toHex(spki)}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  const imported = globalThis.crypto.subtle.importKey('spki', new Uint8Array(spki), algorithm, false, ['verify']);
  keyCache.set(cacheKey, imported);
  imported.catch(() => keyCache.delete(cacheKey));
  return imported;
}

function nodeHash(hash: Hash): string {
  return hash.replace('-', '').toLowerCase();
}

/** node:crypto path for what WebCrypto lacks (SHA-224; id-RSASSA-PSS keys). */
function verifyWithNode(scheme: Scheme, spki: Uint8Array, signed: SignedObject): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const options = scheme.kind === 'pss'
    ? { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }
    : { key };
  return nodeVerify(nodeHash(scheme.hash), signed.tbs, options, signed.signature);
}

async function verifyWithWebCrypto(scheme: Scheme, spki: Uint8Array, signed: SignedObject): Promise<boolean> {
  const key = await importKey(spki, scheme);
  let signature = new Uint8Array(signed.signature);
  let algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams = { name: 'RSASSA-PKCS1-v1_5' };
  if (scheme.kind === 'pss') algorithm = { name: 'RSA-PSS', saltLength: scheme.saltLength };
  if (scheme.kind === 'ecdsa') {
    // RFC 5758 §3.2 / RFC 3279 §2.2.3: the BIT STRING holds the DER Ecdsa-Sig-Value; WebCrypto wants r‖s.
    signature = new Uint8Array(derToRawEcdsa(signature, scheme.curve.size));
    algorithm = { name: 'ECDSA', hash: scheme.hash };
  }
  return globalThis.crypto.subtle.verify(algorithm, key, signature, new Uint8Array(signed.tbs));
}

/**
 * Verifies `signed` with the public key `spki` (whose algorithm is `keyAlgorithm`). Resolves to
 * false when the signature does not verify (including a signature that is not even well-formed, or
 * one whose algorithm does not fit the key, such as ECDSA claimed for an RSA key);
 * throws `UNSUPPORTED_ALGORITHM` when the algorithm or key type is not supported.
 */
export async function verifySignature(signed: SignedObject, spki: Uint8Array, keyAlgorithm: AlgorithmId): Promise<boolean> {
  const scheme = schemeFor(signed.signatureAlgorithm, keyAlgorithm);
  if (scheme === 'mismatch' || !signed.signatureOctetAligned) return false;
  if (scheme.kind === 'ecdsa') {
    try {
      derToRawEcdsa(signed.signature, scheme.curve.size);
    } catch (error) {
      // A signature that is not a well-formed Ecdsa-Sig-Value is simply not a valid signature.
      if (error instanceof Error) return false;
      throw error;
    }
  }
  if (scheme.hash === 'SHA-224' || keyAlgorithm.oid === RSASSA_PSS) return verifyWithNode(scheme, spki, signed);
  try {
    return await verifyWithWebCrypto(scheme, spki, signed);
  } catch (error) {
    // importKey rejects keys that are not valid for the algorithm (e.g. a point not on the curve):
    // such a key verifies nothing.
    if (error instanceof Error && (error.name === 'DataError' || error.name === 'InvalidAccessError')) return false;
    throw error;
  }
}
