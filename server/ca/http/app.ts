/** The CA's HTTP server (fastify 5): public PKI endpoints at the root, the authenticated API under /api/v1. */
import Fastify, { type FastifyInstance } from 'fastify';
import { CA_API_PREFIX, CaErrorCode } from '../../../src/ca-api.js';
import type { CertificateAuthority } from '../authority.js';
import { registerApiRoutes } from './api-routes.js';
import { errorReply } from './error-reply.js';
import { registerPublicRoutes } from './public-routes.js';

/** Default request body limit of the API. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Options of the HTTP app. */
export interface CaAppOptions {
  /** Largest accepted request body in bytes; default 64 KiB (larger → 413). */
  readonly bodyLimit?: number;
  /** Logs server-side failures (never request headers or bodies); default console.error. */
  readonly logError?: (error: unknown) => void;
}

/** Builds (but does not start) the CA's fastify app. */
export function buildCaApp(authority: CertificateAuthority, options: CaAppOptions = {}): FastifyInstance {
  const logError = options.logError ?? ((error: unknown) => console.error(`kyotsu ca: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  const app = Fastify({ bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, logger: false, return503OnClosing: true });
  // JSON only: without the text/plain parser, any other body type is refused with 415.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorReply(error, logError);
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type('application/json').send({ error: { code: CaErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  void app.register(
    async (api) => {
      registerApiRoutes(api, authority);
      await Promise.resolve();
    },
    { prefix: CA_API_PREFIX },
  );
  void app.register(async (pki) => {
    registerPublicRoutes(pki, authority);
    await Promise.resolve();
  });
  return app;
}
