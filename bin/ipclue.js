#!/usr/bin/env node
// `npx ipclue …`: runs the TypeScript entry point through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./ipclue.ts');
