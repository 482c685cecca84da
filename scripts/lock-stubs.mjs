// The npm registry mirror available to this project serves only the linux-x64 builds of
// platform-specific optional packages (rollup, msgpackr-extract), so `npm install` writes a
// lockfile without the other platforms' entries and `npm ci` then refuses it as out of sync.
// This adds a version-only entry for each missing optional platform package (npm skips them
// on install because they are optional and not for this platform). Run it after any change to
// dependencies: `node scripts/lock-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  if (!path || !meta.optionalDependencies) continue;
  for (const [name, version] of Object.entries(meta.optionalDependencies)) {
    const nested = `${path}/node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (pkgs[nested] || pkgs[top]) continue;
    const os = /-(darwin|win32|android|freebsd|openbsd|openharmony|linux|sunos|aix)-/.exec(name)?.[1];
    const stub = { version, optional: true };
    if (meta.dev) stub.dev = true;
    if (os) stub.os = [os];
    pkgs[top] = stub;
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-stubs: added ${added} platform stub entries`);
