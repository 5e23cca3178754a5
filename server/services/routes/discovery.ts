/** `/.well-known/kyotsu`: how the extension recognises this service as a participating provider. */
import { certificateFingerprint, DISCOVERY_PATH, type DiscoveryDocumentV1 } from '../../../src/protocol/discovery.js';
import { type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';

/** Registers GET /.well-known/kyotsu; `trustAnchors` are the CA certificates this service accepts (DER). */
export function discoveryRoutes(ctx: ServiceContext, trustAnchors: () => readonly Uint8Array[]): void {
  ctx.app.get(DISCOVERY_PATH, async (_request, reply) => {
    const anchors = trustAnchors();
    if (!ctx.ca || anchors.length === 0) throw new HttpError(503, 'NOT_REGISTERED', 'This service does not accept the common certificate yet.');
    const origin = ctx.origin();
    const document: DiscoveryDocumentV1 = {
      version: 1,
      serviceId: ctx.config.id,
      displayName: ctx.config.theme.displayName,
      challengeEndpoint: `${origin}/api/auth/challenge`,
      loginEndpoint: `${origin}/api/auth/login`,
      caUrl: ctx.ca.access.url,
      trustAnchorFingerprints: await Promise.all(anchors.map(certificateFingerprint)),
      ...(ctx.config.kind === 'portal' ? { portal: true } : {}),
    };
    return reply.header('cache-control', 'max-age=300').send(document);
  });
}
