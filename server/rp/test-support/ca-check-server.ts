/**
 * A stand-in for the CA's check endpoint (`GET /api/v1/check?serial=&service=` with a bearer token →
 * `{ result: 'OK' | 'NG', reason? }`) on 127.0.0.1, port 0. Test-only: it lets the relying-party tests run
 * without the CA; the CA's own tests prove the real endpoint.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A running stand-in. `answers` maps `serial/service` to the answer; anything else is NG "unknown". */
export interface TestCaCheckServer {
  readonly url: string;
  readonly apiToken: string;
  readonly answers: Map<string, { result: 'OK' | 'NG'; reason?: string }>;
  /** Queries received, as `serial/service`. */
  readonly seen: string[];
  close(): Promise<void>;
}

/** Starts the stand-in. */
export async function startTestCaCheckServer(apiToken = 'test-token-please-ignore'): Promise<TestCaCheckServer> {
  const answers = new Map<string, { result: 'OK' | 'NG'; reason?: string }>();
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/v1/check' || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    if (request.headers.authorization !== `Bearer ${apiToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'UNAUTHORIZED' }));
      return;
    }
    const key = `${url.searchParams.get('serial')}/${url.searchParams.get('service')}`;
    seen.push(key);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers.get(key) ?? { result: 'NG', reason: 'unknown' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiToken,
    answers,
    seen,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
