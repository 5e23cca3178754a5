/**
 * Fetches a participating service's discovery document (`/.well-known/kyotsu`, RFC 8615) for the provider
 * registry: no cookies, no referrer, no redirects, bounded size and time. 404/410 and malformed documents
 * mean "not participating" (null); network failures and 5xx throw, so a cached document is kept.
 */
import { DISCOVERY_PATH, type DiscoveryDocument, MAX_DISCOVERY_BYTES, parseDiscoveryDocument } from '../src/protocol/discovery.js';
import { AuthError } from '../src/protocol/errors.js';
import { type DiscoveryFetcher } from './providers.js';

/** How long a discovery fetch may take. */
export const DISCOVERY_TIMEOUT_MS = 5_000;

/** A fetcher over `fetchImpl` (the platform `fetch` in the extension). */
export function createDiscoveryFetcher(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): DiscoveryFetcher {
  return async (origin: string): Promise<DiscoveryDocument | null> => {
    const response = await fetchImpl(`${origin}${DISCOVERY_PATH}`, {
      credentials: 'omit',
      redirect: 'error',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (response.status >= 500) throw new Error(`discovery document of ${origin}: HTTP ${response.status}`);
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > MAX_DISCOVERY_BYTES) return null;
    try {
      return parseDiscoveryDocument(text, origin);
    } catch (error) {
      if (error instanceof AuthError) return null; // malformed or unsupported version: not a provider for us
      throw error;
    }
  };
}
