/**
 * Unauthenticated PKI endpoints any relying party may use: the CA certificate, the CRL (RFC 5280 §5) and
 * the OCSP responder (RFC 6960 Appendix A: POST and GET).
 */
import type { FastifyInstance } from 'fastify';
import { fromBase64 } from '../../../src/bytes.js';
import { buildOcspErrorResponse, OcspResponseStatus } from '../../../src/pki/ocsp.js';
import type { CertificateAuthority } from '../authority.js';

/** Largest OCSP request accepted (a request for 16 certificates with a nonce is well under 2 KiB). */
export const MAX_OCSP_REQUEST_BYTES = 8192;

function decodeGetRequest(encoded: string): Uint8Array | undefined {
  // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}. Fastify has already
  // percent-decoded the path; accept base64url too, as some clients send it.
  const text = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return fromBase64(text.includes('=') ? text : padded);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Registers /ca.crt, /crl and /ocsp. */
export function registerPublicRoutes(app: FastifyInstance, authority: CertificateAuthority): void {
  app.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer', bodyLimit: MAX_OCSP_REQUEST_BYTES }, (_request, body, done) => {
    done(null, body);
  });

  app.get('/ca.crt', async (_request, reply) => {
    void reply.type('application/pkix-cert').header('cache-control', 'public, max-age=3600'); // RFC 2585 §4.1
    return Buffer.from(authority.keys.caCertificateDer);
  });

  app.get('/crl', async (_request, reply) => {
    const der = await authority.currentCrl();
    void reply.type('application/pkix-crl').header('cache-control', 'no-cache'); // RFC 2585 §4.2
    return Buffer.from(der);
  });

  app.post('/ocsp', async (request, reply) => {
    const body = request.body;
    const der = Buffer.isBuffer(body) ? new Uint8Array(body) : undefined;
    const response = der ? await authority.respondOcsp(der) : buildOcspErrorResponse(OcspResponseStatus.malformedRequest);
    void reply.type('application/ocsp-response').header('cache-control', 'no-cache');
    return Buffer.from(response);
  });

  app.get<{ Params: { '*': string } }>('/ocsp/*', async (request, reply) => {
    const der = decodeGetRequest(request.params['*']);
    const response =
      der && der.length <= MAX_OCSP_REQUEST_BYTES ? await authority.respondOcsp(der) : buildOcspErrorResponse(OcspResponseStatus.malformedRequest);
    void reply.type('application/ocsp-response').header('cache-control', 'no-cache');
    return Buffer.from(response);
  });
}
