import type { PotentiostatSample } from '../../../src/kinds/potentiostat/device.js';
import type { DataPackage, PackageVariable } from './data-package.js';
import { MethodScriptError } from './errors.js';

/**
 * A sample with what MethodSCRIPT adds: the current range. Its `flags` are
 * the status bits (`1x` metadata) of all variables of the package, OR-ed:
 * MethodSCRIPT's bits are the potentiostat kind's POTENTIOSTAT_FLAGS.
 */
export interface MethodScriptSample extends PotentiostatSample {
  /** Current range index of the current (`ba`) or Z real (`cc`) variable; 0x80 = high-speed range. */
  readonly rangeIndex?: number;
}

/**
 * The sample a package of a generated script carries. Variable types, not
 * positions, say what is what. A NaN value (the device's `nan`) leaves its
 * field out. Throws BAD_PACKAGE when the package has no time (`eb`).
 */
export function sampleFromPackage(pkg: DataPackage): MethodScriptSample {
  const byType = new Map<string, PackageVariable>();
  for (const variable of pkg.variables) if (!byType.has(variable.type)) byType.set(variable.type, variable);
  const value = (...types: string[]): number | undefined => {
    for (const type of types) {
      const found = byType.get(type)?.value;
      if (found !== undefined && !Number.isNaN(found)) return found;
    }
    return undefined;
  };
  const elapsedS = value('eb');
  if (elapsedS === undefined) throw new MethodScriptError('package without a time (eb) variable', 'BAD_PACKAGE', { types: [...byType.keys()] });
  const flags = pkg.variables.reduce((bits, v) => bits | (v.status ?? 0), 0);
  const rangeIndex = (byType.get('ba') ?? byType.get('cc'))?.rangeIndex;
  const sample: { -readonly [K in keyof MethodScriptSample]: MethodScriptSample[K] } = { elapsedS, flags };
  // Measured potential (ab) before applied (da); measured current (ba) before applied (db).
  const fields = {
    potentialV: value('ab', 'da'),
    currentA: value('ba', 'db'),
    frequencyHz: value('dc'),
    zReOhm: value('cc'),
    zImOhm: value('cd'),
  };
  for (const [key, found] of Object.entries(fields) as [keyof typeof fields, number | undefined][]) if (found !== undefined) sample[key] = found;
  if (rangeIndex !== undefined) sample.rangeIndex = rangeIndex;
  return sample;
}
