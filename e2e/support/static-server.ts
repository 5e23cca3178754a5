/** A tiny static HTTP server on 127.0.0.1 (ephemeral port) for browser tests' web pages. */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A running page server: its origin and how to stop it. */
export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML) on 127.0.0.1; anything else is 404. */
export async function servePages(pages: Readonly<Record<string, string>>): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const body = pages[new URL(request.url ?? '/', 'http://x').pathname];
    if (body === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
