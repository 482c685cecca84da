// How ipclue starts the system Chromium (never a downloaded one): headless, and without the
// background traffic (updates, sync, safe browsing) that has no business on a crawler host.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
