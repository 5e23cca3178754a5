/** A cookie-keeping HTTP client for service tests: one instance is one browser profile. */

/** Response with the parsed body where it is JSON. */
export interface ClientResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T>(): T;
}

/** Keeps cookies per host:port like a browser (simplified: no paths, no expiry beyond Max-Age=0). */
export class TestClient {
  private readonly jar = new Map<string, Map<string, string>>();

  /** Sends a request with this client's cookies; never follows redirects. */
  async request(url: string, init: RequestInit & { form?: Record<string, string>; json?: unknown } = {}): Promise<ClientResponse> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.jar.get(target.host);
    if (cookies?.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    if (!headers.has('accept')) headers.set('accept', init.form ? 'text/html' : 'application/json');
    const response = await fetch(url, { ...init, headers, body: body ?? null, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const jar = this.jar.get(target.host) ?? new Map<string, string>();
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0')) jar.delete(name);
      else jar.set(name, value);
      this.jar.set(target.host, jar);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  /** Reads the CSRF token from a page's `<meta name="csrf-token">` or hidden `_csrf` field. */
  async csrf(origin: string, path = '/login'): Promise<string> {
    const page = await this.request(`${origin}${path}`, { headers: { accept: 'text/html' } });
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text) ?? /<meta name="csrf-token" content="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    return match[1]!;
  }
}
