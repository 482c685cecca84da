// Serves one demo site on a loopback port in its own process (so the crawlers being measured do
// not share a CPU-bound event loop with the site). Prints the base URL on its first line.
//   npx tsx bench/demo-server.ts [site]
import { createServer } from 'node:http';
import { demoSites } from '../seeds/demo-sites/index.ts';

const name = process.argv[2] ?? 'mall';
const site = demoSites[name];
if (!site) {
  console.error(`unknown demo site ${name}`);
  process.exit(2);
}
const prefix = `/demo/${name}`;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://local');
  if (url.pathname === '/robots.txt') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    return;
  }
  const out = url.pathname.startsWith(prefix) ? site.handle(url.pathname.slice(prefix.length) || '/', url.searchParams) : null;
  if (!out) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(out.status, out.headers).end(out.body);
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
