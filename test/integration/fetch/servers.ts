// Local HTTP servers for the fetch tests: loopback (127.0.0.1 unless told), ephemeral ports,
// every request counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  origin: string;
  port: number;
  /** request paths in arrival order */
  hits: string[];
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
