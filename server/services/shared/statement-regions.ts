/**
 * The portal's statement layout (src/statement-layout.ts) from the CA's participation list: one region per
 * participating (non-portal) service registered at the CA, enrolled where the certificate is qualified, with
 * the service's own login page as the place to qualify. Rendered here as the `/statement` page's regions.
 */
import { type ServiceParticipation } from '../../../src/ca-api.js';
import { parseStatementLayout, QUALIFY_PATH, STATEMENT_PATH, type StatementLayout, type StatementRegion } from '../../../src/statement-layout.js';
import { type CaClient } from './ca-client.js';
import { html, type Html } from './html.js';

/** The region of one participating service (its first origin is the one it logs in at). */
export function regionOf(service: ServiceParticipation): StatementRegion {
  const origin = service.origins[0]!;
  return {
    serviceId: service.id,
    displayName: service.displayName,
    origin,
    statementUrl: `${origin}${STATEMENT_PATH}`,
    enrolled: service.qualified,
    qualifyUrl: `${origin}${QUALIFY_PATH}`,
  };
}

/**
 * The layout for `serial`, asked of the CA (portals only). Passed through the extension's own parser, so the
 * portal never serves a layout the extension would refuse.
 */
export async function statementLayout(ca: CaClient, serial: string): Promise<StatementLayout> {
  const { services } = await ca.participation(serial);
  const regions = services.filter((s) => !s.portal && s.origins.length > 0).map(regionOf);
  return parseStatementLayout({ serial, regions });
}

/**
 * One region of the `/statement` page. Enrolled regions wait for the extension; a region that is not enrolled
 * says so itself, with a link to qualify, and the extension leaves it as it is.
 */
export function renderRegion(region: StatementRegion): Html {
  const status = region.enrolled
    ? html`<p class="muted" data-region-status>Waiting for the kyotsu extension…</p>`
    : html`<p data-region-status data-testid="not-enrolled">Not enrolled: your common certificate is not registered at ${region.displayName} yet.
        <a data-qualify-link href="${region.qualifyUrl}">Register it at ${region.displayName}</a></p>`;
  return html`<section class="card" data-kyotsu-region="${region.serviceId}" data-origin="${region.origin}" data-statement-url="${region.statementUrl}" data-enrolled="${String(region.enrolled)}" data-qualify-url="${region.qualifyUrl}"><h2>${region.displayName}</h2>${status}</section>`;
}
