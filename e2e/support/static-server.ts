/** A tiny static HTTP server on 127.0.0.1 (ephemeral port) for browser tests' web pages. */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A request the server received (method, path, body as text), for tests that check what a page sent. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** A running page server: its origin, what it received, and how to stop it. */
export interface PageServer {
  readonly origin: string;
  readonly received: readonly ReceivedRequest[];
  close(): Promise<void>;
}

/** A page's body, or a function of the server's origin (known only once it listens) giving the body. */
export type PageBody = string | ((origin: string) => string);

/**
 * Serves `pages` (path → body) on 127.0.0.1 for any method; anything else is 404. Bodies are HTML, except
 * paths under `/.well-known/`, `/api/` and `*.json`, which are served as JSON. Every request is recorded.
 */
export async function servePages(pages: Readonly<Record<string, PageBody>>): Promise<PageServer> {
  let origin = '';
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? 'GET', path, body: Buffer.concat(chunks).toString('utf8') });
      const page = pages[path];
      if (page === undefined) {
        response.writeHead(404).end('not found');
        return;
      }
      const json = path.startsWith('/.well-known/') || path.startsWith('/api/') || path.endsWith('.json');
      const type = json ? 'application/json' : 'text/html; charset=utf-8';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(typeof page === 'string' ? page : page(origin));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
