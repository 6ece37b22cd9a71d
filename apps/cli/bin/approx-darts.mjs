#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx approx-darts` works right after install.
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
