#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install` or `npm run build`):
// plain JavaScript, so a start costs no TypeScript transpiling.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('operando: the CLI is not built (no dist/): run `npm run build` (or `npm install`) in the operando folder\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
// Long-running commands (start) resolve only when they have shut down.
process.exitCode = code;
