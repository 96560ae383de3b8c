#!/usr/bin/env node
// Entry point of the `openchain` command (package.json "bin"). Node >= 22.18 runs TypeScript directly.
import { main } from '../cli.ts';

await main(process.argv);
