#!/usr/bin/env node
// The headless runner. TypeScript runs through tsx, the same way the worker threads load it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
