import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real spectra written by other projects' instruments and software (tests/fixtures/PROVENANCE.md). */
export const EXTERNAL_FIXTURES = fileURLToPath(new URL('../fixtures/external/', import.meta.url));

/** The path of one file of EXTERNAL_FIXTURES. */
export function externalFixture(name: string): string {
  return join(EXTERNAL_FIXTURES, name);
}

/** The names of the files directly in EXTERNAL_FIXTURES; subfolders hold other kinds of data, for their own tests. */
export async function externalFixtureFiles(): Promise<string[]> {
  const entries = await readdir(EXTERNAL_FIXTURES, { withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
}
