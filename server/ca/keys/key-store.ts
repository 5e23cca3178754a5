/**
 * The CA's key store: a directory holding the CA certificate and the delegated OCSP signer's certificate
 * (DER, public) and their private keys sealed under the operator's passphrase (see key-file.ts).
 *
 *   ca.crt            DER CA certificate (self-signed)
 *   ca-key.json       sealed PKCS#8 of the CA key
 *   ocsp.crt          DER OCSP signing certificate (issued by the CA)
 *   ocsp-key.json     sealed PKCS#8 of the OCSP key
 *
 * Private keys are imported into WebCrypto as non-extractable keys and never written anywhere else.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as pkijs from 'pkijs';
import { createCaCertificate, createOcspSignerCertificate } from '../../../src/pki/ca-certificates.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { CaServerError, CaServerErrorCode } from '../errors.js';
import { asSealedKeyFile, openPrivateKey, sealPrivateKey } from './key-file.js';

/** Environment variable holding the key store passphrase. */
export const PASSPHRASE_ENV = 'KYOTSU_CA_PASSPHRASE';
/** Shortest passphrase `init` accepts. */
export const MIN_PASSPHRASE_LENGTH = 12;

/** The CA's signing material, ready to use. */
export interface CaKeys {
  readonly caCertificateDer: Uint8Array;
  readonly caCertificate: pkijs.Certificate;
  readonly caKey: CryptoKey;
  readonly ocspCertificateDer: Uint8Array;
  readonly ocspCertificate: pkijs.Certificate;
  readonly ocspKey: CryptoKey;
}

/** Options of `kyotsu ca init`. */
export interface CaKeyOptions {
  /** CA common name; default `kyotsu Common Certificate CA`. */
  readonly commonName?: string;
  /** Organisation; default `kyotsu`. */
  readonly organization?: string;
  /** CA key curve; default P-384. */
  readonly curve?: 'P-256' | 'P-384';
  /** CA certificate lifetime in days; default 3650. */
  readonly caValidityDays?: number;
  /** OCSP signer lifetime in days; default 365 (re-run init with a new store to rotate). */
  readonly ocspValidityDays?: number;
}

const DAY_MS = 86_400_000;
const FILES = { caCert: 'ca.crt', caKey: 'ca-key.json', ocspCert: 'ocsp.crt', ocspKey: 'ocsp-key.json' } as const;

/** Reads the passphrase from the environment; throws `CA_PASSPHRASE_MISSING` when unset or empty. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const passphrase = env[PASSPHRASE_ENV];
  if (!passphrase) throw new CaServerError(CaServerErrorCode.CA_PASSPHRASE_MISSING, `set ${PASSPHRASE_ENV} to the CA key passphrase`);
  return passphrase;
}

async function importSigningKey(pkcs8: Uint8Array, curve: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', pkcs8.slice(), { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
}

/** Generated key material: the usable keys plus the PKCS#8 bytes to seal. */
export interface GeneratedCaKeys {
  readonly keys: CaKeys;
  readonly caPkcs8: Uint8Array;
  readonly ocspPkcs8: Uint8Array;
}

/** Generates a CA key pair, its self-signed certificate, and the OCSP signer key and certificate. */
export async function generateCaKeys(options: CaKeyOptions = {}): Promise<GeneratedCaKeys> {
  const curve = options.curve ?? 'P-384';
  const now = Date.now();
  const notBefore = new Date(now - 60_000); // a minute of slack for relying parties with slow clocks
  const generate = (): Promise<CryptoKeyPair> => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
  const caPair = await generate();
  const caCertificateDer = await createCaCertificate({
    commonName: options.commonName ?? 'kyotsu Common Certificate CA',
    organization: options.organization ?? 'kyotsu',
    keyPair: caPair,
    notBefore,
    notAfter: new Date(now + (options.caValidityDays ?? 3650) * DAY_MS),
  });
  const caCertificate = parseCertificate(caCertificateDer);
  const ocspPair = await generate();
  const ocspCertificateDer = await createOcspSignerCertificate({
    caCertificate,
    caKey: caPair.privateKey,
    publicKey: ocspPair.publicKey,
    commonName: `${options.commonName ?? 'kyotsu Common Certificate CA'} OCSP Responder`.slice(0, 64),
    notBefore,
    notAfter: new Date(now + (options.ocspValidityDays ?? 365) * DAY_MS),
  });
  const caPkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', caPair.privateKey));
  const ocspPkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', ocspPair.privateKey));
  const keys: CaKeys = {
    caCertificateDer,
    caCertificate,
    caKey: await importSigningKey(caPkcs8, curve),
    ocspCertificateDer,
    ocspCertificate: parseCertificate(ocspCertificateDer),
    ocspKey: await importSigningKey(ocspPkcs8, curve),
  };
  return { keys, caPkcs8, ocspPkcs8 };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function writeAtomically(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, data, { mode, flag: 'wx' });
  await rename(temporary, path);
}

/**
 * `kyotsu ca init`: generates the CA and OCSP keys and writes the key store into `dir`. Refuses to
 * overwrite an existing store (`CA_KEYSTORE_EXISTS`) and short passphrases (`CA_PASSPHRASE_MISSING`).
 */
export async function initKeyStore(dir: string, passphrase: string, options: CaKeyOptions = {}): Promise<CaKeys> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new CaServerError(CaServerErrorCode.CA_PASSPHRASE_MISSING, `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  if (await exists(join(dir, FILES.caKey))) {
    throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_EXISTS, `a CA key store already exists in ${dir}`);
  }
  const generated = await generateCaKeys(options);
  await writeKeyStore(dir, generated, passphrase);
  return generated.keys;
}

/** Writes generated material into `dir` (0700), keys sealed and 0600, the CA key last. */
export async function writeKeyStore(dir: string, generated: GeneratedCaKeys, passphrase: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [caSealed, ocspSealed] = await Promise.all([
    sealPrivateKey(generated.caPkcs8, passphrase, 'ca'),
    sealPrivateKey(generated.ocspPkcs8, passphrase, 'ocsp'),
  ]);
  await writeAtomically(join(dir, FILES.caCert), generated.keys.caCertificateDer, 0o644);
  await writeAtomically(join(dir, FILES.ocspCert), generated.keys.ocspCertificateDer, 0o644);
  await writeAtomically(join(dir, FILES.ocspKey), `${JSON.stringify(ocspSealed, null, 2)}\n`, 0o600);
  await writeAtomically(join(dir, FILES.caKey), `${JSON.stringify(caSealed, null, 2)}\n`, 0o600);
}

async function readSealed(dir: string, name: string, role: string): Promise<ReturnType<typeof asSealedKeyFile>> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_MISSING, `no CA key store in ${dir}: run 'kyotsu ca init'`);
    }
    throw error;
  }
  try {
    return asSealedKeyFile(JSON.parse(text), role);
  } catch (error) {
    if (error instanceof CaServerError) throw error;
    throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_CORRUPT, `${name} is not JSON`);
  }
}

async function readCertificate(dir: string, name: string): Promise<{ der: Uint8Array; certificate: pkijs.Certificate }> {
  try {
    const der = new Uint8Array(await readFile(join(dir, name)));
    return { der, certificate: parseCertificate(der) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_MISSING, `no ${name} in ${dir}: run 'kyotsu ca init'`);
    }
    throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_CORRUPT, `${name} is not a certificate: ${(error as Error).message}`);
  }
}

function curveOf(certificate: pkijs.Certificate): string {
  const params = certificate.subjectPublicKeyInfo.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
  const oid = params?.valueBlock?.toString();
  if (oid === '1.3.132.0.34') return 'P-384';
  if (oid === '1.2.840.10045.3.1.7') return 'P-256';
  throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_CORRUPT, 'the CA certificate key is not ECDSA P-256 or P-384');
}

/** Loads the key store from `dir`, opening both keys with the passphrase. */
export async function loadKeyStore(dir: string, passphrase: string): Promise<CaKeys> {
  const [caSealed, ocspSealed] = await Promise.all([readSealed(dir, FILES.caKey, 'ca'), readSealed(dir, FILES.ocspKey, 'ocsp')]);
  const ca = await readCertificate(dir, FILES.caCert);
  const ocsp = await readCertificate(dir, FILES.ocspCert);
  const [caPkcs8, ocspPkcs8] = await Promise.all([openPrivateKey(caSealed, passphrase, 'ca'), openPrivateKey(ocspSealed, passphrase, 'ocsp')]);
  const keys: CaKeys = {
    caCertificateDer: ca.der,
    caCertificate: ca.certificate,
    caKey: await importSigningKey(caPkcs8, curveOf(ca.certificate)),
    ocspCertificateDer: ocsp.der,
    ocspCertificate: ocsp.certificate,
    ocspKey: await importSigningKey(ocspPkcs8, curveOf(ocsp.certificate)),
  };
  await assertKeysMatch(keys);
  return keys;
}

/** Signs a probe with each private key and verifies it with the matching certificate's public key. */
async function assertKeysMatch(keys: CaKeys): Promise<void> {
  const probe = crypto.getRandomValues(new Uint8Array(32));
  for (const [certificate, key, role] of [
    [keys.caCertificate, keys.caKey, 'CA'],
    [keys.ocspCertificate, keys.ocspKey, 'OCSP'],
  ] as const) {
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    const signature = await crypto.subtle.sign(algorithm, key, probe);
    const publicKey = await certificate.getPublicKey();
    if (!(await crypto.subtle.verify(algorithm, publicKey, signature, probe))) {
      throw new CaServerError(CaServerErrorCode.CA_KEYSTORE_CORRUPT, `the ${role} private key does not match its certificate`);
    }
  }
}
