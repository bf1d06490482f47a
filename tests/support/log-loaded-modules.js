// `node --import ./tests/support/log-loaded-modules.js ...` appends to the file
// named by OPERANDO_MODULE_LOG the URL of every module the process resolves
// (ES modules, through a resolve hook) and, at exit, every CommonJS module it
// loaded (require() calls inside CommonJS packages bypass the hooks on Node 20).
// Plain JavaScript so that the process under test needs no TypeScript loader.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const log = process.env.OPERANDO_MODULE_LOG;
if (!log) throw new Error('log-loaded-modules.js: set OPERANDO_MODULE_LOG to the file to write');

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}

// The hooks run in a thread of their own, which imports this file again: register only from the main thread.
if (isMainThread) {
  register(import.meta.url);
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => {
    for (const file of Object.keys(cache)) appendFileSync(log, `${pathToFileURL(file).href}\n`);
  });
}
