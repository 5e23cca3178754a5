/** Steps of a holder's flows at the demo services over HTTP, shared by the service tests. */
import assert from 'node:assert/strict';
import { demoPassword } from '../seed.js';
import { type TestClient } from './http-client.js';

/** Logs in with the service's own user ID and demo password; returns the HTTP status (303 on success). */
export async function passwordLogin(client: TestClient, origin: string, userId: string, serviceId: string): Promise<number> {
  const csrf = await client.csrf(origin);
  return (await client.request(`${origin}/login`, { method: 'POST', form: { _csrf: csrf, userId, password: demoPassword(userId, serviceId) } })).status;
}

/** Confirms the pending certificate on /qualify ("Yes, use it here"); returns the confirmation page's HTML. */
export async function confirmQualify(client: TestClient, origin: string): Promise<string> {
  const page = await client.request(`${origin}/qualify`, { headers: { accept: 'text/html' } });
  const csrf = await client.csrf(origin, '/qualify');
  const confirm = await client.request(`${origin}/qualify`, { method: 'POST', form: { _csrf: csrf, decision: 'yes' } });
  assert.equal(confirm.status, 303, confirm.text);
  return page.text;
}

/** The service's home page HTML. */
export async function home(client: TestClient, origin: string): Promise<string> {
  return (await client.request(`${origin}/`, { headers: { accept: 'text/html' } })).text;
}
