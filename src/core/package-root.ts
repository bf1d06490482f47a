import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperandoError } from './errors.js';

const PACKAGE_NAME = 'operando';

/**
 * The nearest folder at or above `start` whose package.json is operando's.
 * Files shipped beside the code (dashboards, fixtures) are found from there,
 * not relative to a module's own URL: the same module runs from `src/` (tests)
 * and from `dist/src/` (the compiled CLI), one folder deeper.
 */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (packageName(join(dir, 'package.json')) === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new OperandoError(`no package.json of ${PACKAGE_NAME} at or above ${start}`, 'PACKAGE_ROOT_NOT_FOUND', { start });
  }
}

/** The `name` of a package.json, or undefined where there is none. */
function packageName(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return (JSON.parse(text) as { name?: unknown } | null)?.name;
}

/** operando's root folder (the one holding its package.json, `dashboards/`, `config/`), wherever this module runs from. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
