#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the "prepare" script, or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/compiler/node/cli/flowc.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'flowc: not built yet: run "npm run build" (npm install does it) in the Flows repository.\n',
  );
  process.exit(2);
}
const { run } = await import(entry.href);
run();
