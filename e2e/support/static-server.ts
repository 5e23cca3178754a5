/** A tiny static HTTP server on 127.0.0.1 (ephemeral port) for browser tests' web pages. */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A running page server: its origin and how to stop it. */
export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** A page's body, or a function of the server's origin (known only once it listens) giving the body. */
export type PageBody = string | ((origin: string) => string);

/**
 * Serves `pages` (path → body) on 127.0.0.1; anything else is 404. Bodies are HTML, except paths under
 * `/.well-known/` and `*.json`, which are served as JSON.
 */
export async function servePages(pages: Readonly<Record<string, PageBody>>): Promise<PageServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const page = pages[path];
    if (page === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    const json = path.startsWith('/.well-known/') || path.endsWith('.json');
    const type = json ? 'application/json' : 'text/html; charset=utf-8';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(typeof page === 'string' ? page : page(origin));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
