// Serves one demo site on a loopback port in its own process (so the crawlers being measured do
// not share a CPU-bound event loop with the site). Prints the base URL on its first line.
//   npx tsx bench/demo-server.ts [site] [--prerender-list N]
// With --prerender-list, the site's list pages 1..N are rendered before the URL is printed and
// then served from memory: the site's own page generation is not the crawlers' work,
// and a real site spends it on its own machine. Both crawlers of the benchmark get the same
// bytes the same way.
import { createServer } from 'node:http';
import { demoSites, type DemoResponse } from '../seeds/demo-sites/index.ts';

const args = process.argv.slice(2);
const name = args[0] && !args[0].startsWith('--') ? args[0] : 'mall';
const site = demoSites[name];
if (!site) {
  console.error(`unknown demo site ${name}`);
  process.exit(2);
}
const prefix = `/demo/${name}`;
const render = (pathAndQuery: string): DemoResponse | null => {
  const url = new URL(pathAndQuery, 'http://local');
  return url.pathname.startsWith(prefix) ? site.handle(url.pathname.slice(prefix.length) || '/', url.searchParams) : null;
};
const ready = new Map<string, DemoResponse>();
const listPages = args.indexOf('--prerender-list');
if (listPages >= 0) {
  for (let i = 1; i <= Number(args[listPages + 1]); i++) {
    const path = `${prefix}/list?page=${i}`;
    const out = render(path);
    if (out) ready.set(path, { ...out, body: Buffer.from(out.body) });
  }
}
const server = createServer((req, res) => {
  if (new URL(req.url ?? '/', 'http://local').pathname === '/robots.txt') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    return;
  }
  const out = ready.get(req.url ?? '/') ?? render(req.url ?? '/');
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
