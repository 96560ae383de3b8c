#!/usr/bin/env node
// Entry point of the `openchain` command (package.json "bin"). Node >= 22.18 runs TypeScript directly.
import { enableCompileCache } from 'node:module';

// Node caches the stripped and compiled modules on disk: every command after the first starts with
// about a third less CPU (the end-to-end tests start dozens of them). Only modules loaded after
// this call are cached, hence the dynamic import.
enableCompileCache();
const { main } = await import('../cli.ts');
await main(process.argv);
