#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx operando` works right
// after `npm install` without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
// Long-running commands (start) resolve only when they have shut down.
process.exitCode = code;
