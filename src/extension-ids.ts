/**
 * kyotsu's extension identities, in one place: what the native-messaging manifests allow
 * (`kyotsu host install`) and what manifest.json must pin. Chrome derives an unpacked or self-hosted
 * extension's ID from the `key` in its manifest (the base64 DER SubjectPublicKeyInfo below), so the ID is
 * the same on every machine; without that `key`, Chrome derives the ID from the extension's folder path and
 * the host's `allowed_origins` would not match. Firefox uses `browser_specific_settings.gecko.id`.
 */
import { fromBase64 } from './bytes.js';

/** Name of the native-messaging host (what the extension passes to `runtime.connectNative`). */
export const NATIVE_HOST_NAME = 'dev.kyotsu.pcsc';

/**
 * The public half of kyotsu's Chrome extension key (RSA-2048, base64 DER SubjectPublicKeyInfo): the value of
 * manifest.json's `"key"`. Only the public key is needed to pin the ID; no private key is kept. A Chrome
 * Web Store listing has its own key: put the store's public key here then, and the ID below follows.
 */
export const CHROME_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt4kxUnvGAZJkGcEP5CNvsRyFvU80DExaB2+72ckTp614cTYhT+sDuciZlg7ZkG7X5J+BqLA4s1PN7flrJRcdI4TKVx2nxy7+xWGS3ai9yvRDhqcb0VJmpOpZSlTFoRnxIw0WB4CNcy1oKtOEedBatRdLaapFpE1NhIjqeLJcakRXgsymQw8qMKhLZwDmKKWVHwygDem/8f6gWyzoF7EHEu9mb8oLws84rtssmz98l3U/vZ+2WfNVUfQQx7awp1FMofxh1PdWyPNtIeND4R1HkSzt450DdDJpvFDRS1LFkkaueR/WYGp5iJEfkkCd9R8+W5Doyj2d3qjpX5ird1GRiQIDAQAB';

/** kyotsu's ID in Chrome, Chromium and Edge: derived from `CHROME_EXTENSION_KEY` (see `chromeExtensionId`). */
export const CHROME_EXTENSION_ID = 'ldkpobnojehgmllgpafapffefphmbkgg';

/** kyotsu's ID in Firefox (manifest.json `browser_specific_settings.gecko.id`). */
export const FIREFOX_EXTENSION_ID = 'kyotsu@kyotsu.dev';

/** A Chrome extension ID: 32 letters a–p. */
export const CHROME_EXTENSION_ID_PATTERN = /^[a-p]{32}$/;

/**
 * Chrome's extension ID for a manifest `key`: the first 128 bits of SHA-256 over the DER public key, each hex
 * digit 0–f written as a letter a–p (Chromium components/crx_file/id_util.cc, GenerateId).
 */
export async function chromeExtensionId(keyBase64: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', fromBase64(keyBase64).slice()));
  let id = '';
  for (const byte of digest.subarray(0, 16)) id += String.fromCharCode(0x61 + (byte >>> 4), 0x61 + (byte & 0x0f));
  return id;
}

/** The `allowed_origins` entry of a Chrome-family native-messaging manifest for extension `id`. */
export function chromeExtensionOrigin(id: string): string {
  return `chrome-extension://${id}/`;
}
