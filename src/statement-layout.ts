/**
 * The layout of the portal's statement page (issue 8): one region per participating service registered at
 * the CA, each saying where that service's statement is read and whether the holder's common certificate is
 * enrolled (qualified) there. The portal serves it as JSON at `GET /api/statement/layout` and mirrors it in
 * the `/statement` page's `data-kyotsu-region` elements; the extension reads it with
 * {@link parseStatementLayout}.
 *
 * Every URL of a region is on that region's own origin, so a layout can never point the extension's fetches
 * (challenge, login, statement) at a site other than the service it names; and a service's statement is
 * read at one path of the protocol, {@link STATEMENT_PATH}, so the statement URL is exactly that path on the
 * region's origin (the extension reads the statement there and nowhere else: background/statement-gather.ts).
 * Unknown members are ignored, so the layout may grow optional members.
 */
import { KyotsuError } from './errors.js';
import { isOriginSerialization } from './protocol/origin.js';
import { parseStrictJson, StrictJsonError } from './protocol/strict-json.js';

/** Where the portal serves the layout (JSON). */
export const STATEMENT_LAYOUT_PATH = '/api/statement/layout';
/**
 * Where each participating service serves the logged-in holder's statement (JSON): the one path of the
 * protocol at which the extension reads a statement, on the service's origin. Fixed rather than announced
 * (in the discovery document or by the page), so no page can choose which path of a service the extension
 * sends a cookie-carrying request to.
 */
export const STATEMENT_PATH = '/api/statement';
/**
 * Where a holder starts qualifying a service: its login page, whose "Log in with your card" starts the card
 * login → the service's own password (or passkey) → confirmation flow that adds the service to the
 * certificate's list at the CA.
 */
export const QUALIFY_PATH = '/login';

/** Most regions a layout may have (the CA's id space is far larger; a portal page is not). */
export const MAX_STATEMENT_REGIONS = 64;
/** Largest layout accepted as JSON text, in UTF-8 bytes. */
export const MAX_STATEMENT_LAYOUT_BYTES = 64 * 1024;

/** Codes of layout errors. */
export const StatementLayoutErrorCode = {
  /** The layout is not JSON, has the wrong shape, or a region breaks a rule; `details.field` names where. */
  STATEMENT_LAYOUT_MALFORMED: 'STATEMENT_LAYOUT_MALFORMED',
} as const;
export type StatementLayoutErrorCode = (typeof StatementLayoutErrorCode)[keyof typeof StatementLayoutErrorCode];

/** A malformed statement layout. */
export class StatementLayoutError extends KyotsuError {
  declare readonly code: StatementLayoutErrorCode;

  constructor(field: string, message: string) {
    super(StatementLayoutErrorCode.STATEMENT_LAYOUT_MALFORMED, `statement layout: ${field}: ${message}`, { field });
    this.name = 'StatementLayoutError';
  }
}

/** One service's region on the statement page. */
export interface StatementRegion {
  /** The service's id at the CA (lower-case letters, digits, inner hyphens; 1–63). Unique in a layout. */
  readonly serviceId: string;
  /** Name shown to the holder (1–128 characters). */
  readonly displayName: string;
  /** The service's origin (`https://bank-a.example`): what a login is signed for. Unique in a layout. */
  readonly origin: string;
  /** Absolute URL of the statement JSON: {@link STATEMENT_PATH} on `origin` (`${origin}/api/statement`), nothing else. */
  readonly statementUrl: string;
  /** Whether the certificate is qualified at the service now (false: show "not enrolled", do not log in). */
  readonly enrolled: boolean;
  /** Absolute URL on `origin` where the holder starts qualifying (`${origin}/login` for the demo services). */
  readonly qualifyUrl: string;
}

/** `GET /api/statement/layout`: the certificate's serial and one region per participating service. */
export interface StatementLayout {
  /** Lower-case hex serial of the certificate the portal session logged in with. */
  readonly serial: string;
  readonly regions: readonly StatementRegion[];
}

const SERVICE_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** RFC 5280 §4.1.2.2: at most 20 octets. */
const SERIAL = /^(?:[0-9a-f]{2}){1,20}$/;

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StatementLayoutError(field, 'is not an object');
  return value as Record<string, unknown>;
}

function urlOn(value: unknown, origin: string, field: string): string {
  if (typeof value !== 'string' || value.length > 2048) throw new StatementLayoutError(field, 'is not a URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    if (error instanceof TypeError) throw new StatementLayoutError(field, 'is not an absolute URL');
    throw error;
  }
  if (url.username || url.password) throw new StatementLayoutError(field, 'carries credentials');
  if (url.origin !== origin) throw new StatementLayoutError(field, `is not on the region's origin ${origin}`);
  return value;
}

/** The statement URL, which must be {@link STATEMENT_PATH} on `origin` exactly (no other path, no query). */
function statementUrlOn(value: unknown, origin: string, field: string): string {
  const url = urlOn(value, origin, field);
  if (new URL(url).href !== new URL(STATEMENT_PATH, origin).href) throw new StatementLayoutError(field, `is not ${STATEMENT_PATH} on ${origin}`);
  return url;
}

function parseRegion(value: unknown, field: string): StatementRegion {
  const region = record(value, field);
  const { serviceId, displayName, origin, enrolled } = region;
  if (typeof serviceId !== 'string' || !SERVICE_ID.test(serviceId)) throw new StatementLayoutError(`${field}.serviceId`, 'is not a service id');
  if (typeof displayName !== 'string' || displayName.trim().length === 0 || displayName.length > 128) {
    throw new StatementLayoutError(`${field}.displayName`, 'must be 1–128 characters');
  }
  if (!isOriginSerialization(origin)) throw new StatementLayoutError(`${field}.origin`, 'is not an http(s) origin');
  if (typeof enrolled !== 'boolean') throw new StatementLayoutError(`${field}.enrolled`, 'is not a boolean');
  return {
    serviceId,
    displayName,
    origin,
    statementUrl: statementUrlOn(region.statementUrl, origin, `${field}.statementUrl`),
    enrolled,
    qualifyUrl: urlOn(region.qualifyUrl, origin, `${field}.qualifyUrl`),
  };
}

function parseValue(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  if (new TextEncoder().encode(input).length > MAX_STATEMENT_LAYOUT_BYTES) throw new StatementLayoutError('layout', `is larger than ${MAX_STATEMENT_LAYOUT_BYTES} bytes`);
  try {
    return parseStrictJson(input, 8);
  } catch (error) {
    if (error instanceof StrictJsonError) throw new StatementLayoutError('layout', `is not valid JSON without duplicate names (${error.message})`);
    throw error;
  }
}

/**
 * Reads a statement layout from its JSON text or an already-parsed value, keeping only the members above.
 * Throws {@link StatementLayoutError} (`STATEMENT_LAYOUT_MALFORMED`, `details.field` naming the culprit) for a
 * wrong shape, a bad serial, more than {@link MAX_STATEMENT_REGIONS} regions, a service id or origin that
 * appears twice, a statement URL that is not {@link STATEMENT_PATH} on its region's origin, or a qualify URL
 * that is not on that origin.
 */
export function parseStatementLayout(input: unknown): StatementLayout {
  const layout = record(parseValue(input), 'layout');
  if (typeof layout.serial !== 'string' || !SERIAL.test(layout.serial)) throw new StatementLayoutError('serial', 'is not a lower-case hex serial');
  if (!Array.isArray(layout.regions)) throw new StatementLayoutError('regions', 'is not an array');
  if (layout.regions.length > MAX_STATEMENT_REGIONS) throw new StatementLayoutError('regions', `has more than ${MAX_STATEMENT_REGIONS} regions`);
  const regions = layout.regions.map((value: unknown, index) => parseRegion(value, `regions[${index}]`));
  const ids = new Set<string>();
  const origins = new Set<string>();
  regions.forEach((region, index) => {
    if (ids.has(region.serviceId)) throw new StatementLayoutError(`regions[${index}].serviceId`, `'${region.serviceId}' appears twice`);
    if (origins.has(region.origin)) throw new StatementLayoutError(`regions[${index}].origin`, `${region.origin} appears twice`);
    ids.add(region.serviceId);
    origins.add(region.origin);
  });
  return { serial: layout.serial, regions };
}
