#!/usr/bin/env node
// The `hebb` command: runs the CLI from its TypeScript source through tsx.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/hebb.ts', import.meta.url).href);
