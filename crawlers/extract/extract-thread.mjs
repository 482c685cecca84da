// Entry point of an extraction thread (extract-pool.ts). Threads do not inherit the tsx loader
// the process runs under, so the thread registers it before loading its TypeScript body, as
// bin/ipclue.js does for the process.
import { register } from 'tsx/esm/api';

register();
await import('./extract-thread.ts');
