import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot, PACKAGE_ROOT } from './package-root.js';

const tree = mkdtempSync(join(tmpdir(), 'operando-root-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

/** Writes `files` (path -> content) under the temp tree. */
function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), content);
  }
}

describe('package root', () => {
  it('is the folder of operando’s package.json, two levels above this module in src/core/', () => {
    expect(PACKAGE_ROOT).toBe(fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, ''));
    expect(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).name).toBe('operando');
  });

  it('is found from the compiled module one folder deeper (dist/src/core)', () => {
    write({ 'checkout/package.json': '{"name":"operando"}', 'checkout/dist/src/core/package-root.js': '' });
    expect(findPackageRoot(join(tree, 'checkout/dist/src/core'))).toBe(join(tree, 'checkout'));
  });

  it('passes over package.json files of other packages, and folders without one', () => {
    write({
      'site/package.json': '{"name":"lab-site"}',
      'site/node_modules/operando/package.json': '{"name":"operando","version":"0.1.0"}',
      'site/node_modules/operando/dist/package.json': '{"type":"module"}',
    });
    expect(findPackageRoot(join(tree, 'site/node_modules/operando/dist/src/core'))).toBe(join(tree, 'site/node_modules/operando'));
  });

  it('fails with the start folder named when no operando package.json is above it', () => {
    write({ 'elsewhere/package.json': '{"name":"other"}' });
    expect(() => findPackageRoot(join(tree, 'elsewhere/src'))).toThrow(expect.objectContaining({ code: 'PACKAGE_ROOT_NOT_FOUND', message: expect.stringContaining(join(tree, 'elsewhere/src')) }));
  });
});
