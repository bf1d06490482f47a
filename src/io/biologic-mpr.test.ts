import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitCircuit, type Weighting } from '../analysis/eis/fit.js';
import { DEFAULT_EIS_WEIGHTING } from '../protocols/eis/eis-parameters.js';
import { readMpr } from './biologic-mpr.js';
import { mptColumnIndex, mptNumbers, mptSeconds, readMptTable } from './biologic-mpt.js';
import { parseElectrochemSeries } from './electrochem-series.js';
import { isImportError } from './errors.js';
import { parseImpedanceFile } from './impedance-file.js';
import { decodeText } from './text.js';

/** Real EC-Lab files and their exports (tests/fixtures/biologic-mpr/PROVENANCE.md). */
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../tests/fixtures/biologic-mpr/${name}`, import.meta.url)));

/** Each .mpr: what its modules say, as the PROVENANCE.md and the .mpt export give it. */
const FILES = [
  { name: 'echemistpy_Biologic_EIS', technique: 'PEIS', ecLab: '11.52', dataVersion: 11, rows: 43, columns: 26 },
  { name: 'dgpost_peis_single_data', technique: 'PEIS', ecLab: '11.36', dataVersion: 3, rows: 64, columns: 16 },
  { name: 'echemistpy_HAC_NH3_Fe_01_02_GCPL_C03', technique: 'GCPL', ecLab: '11.61', dataVersion: 11, rows: 1435, columns: 20 },
  { name: 'yadg_cp', technique: 'CP', ecLab: '11.33', dataVersion: 3, rows: 121, columns: 17 },
  { name: 'yadg_coc.issue_185', technique: 'Constant Current', ecLab: '11.50', dataVersion: 11, rows: 24, columns: 22 },
  { name: 'yadg_cv', technique: 'CV', ecLab: '11.12', dataVersion: 2, rows: 5103, columns: 11 },
];

/** The .mpt name of an .mpr column where EC-Lab exports it under another. */
const MPT_NAMES: Record<string, string[]> = { '<Ewe>/V': ['<Ewe>/V', '<Ewe/V>'] };

describe('readMpr on the real files', () => {
  it.each(FILES)('$name (.mpr): technique, EC-Lab version, data module version, rows and columns', ({ name, technique, ecLab, dataVersion, rows, columns }) => {
    const mpr = readMpr(fixture(`${name}.mpr`));
    expect(mpr.technique?.name).toBe(technique);
    expect(mpr.ecLabVersion).toBe(ecLab);
    expect(mpr.dataVersion).toBe(dataVersion);
    expect(mpr.rows).toBe(rows);
    expect(mpr.columns).toHaveLength(columns);
    expect(mpr.warnings).toEqual([]);
  });

  it.each(FILES.filter((f) => f.name !== 'dgpost_peis_single_data'))('$name (.mpr) holds the points of its .mpt export: every shared column, row by row', ({ name }) => {
    const mpr = readMpr(fixture(`${name}.mpr`));
    const mpt = readMptTable(decodeText(fixture(`${name}.mpt`)));
    expect(mpt.rows).toHaveLength(mpr.rows);
    let compared = 0;
    for (const { name: column } of mpr.columns) {
      const k = mptColumnIndex(mpt, MPT_NAMES[column] ?? [column]);
      if (k < 0) continue;
      // Compared in seconds since the acquisition start, whatever the export's time format.
      const exported = column === 'time/s' ? mptSeconds(mpt, k, []) : mptNumbers(mpt, k);
      const stored = mpr.column(column);
      // float32 printed with 8 significant digits; the date-time of an absolute export to 0.1 ms.
      const tolerance = (v: number) => (column === 'time/s' && mpt.timeFormat !== null && mpt.timeFormat.startsWith('Absolute') ? 1e-4 : 1e-7 * Math.abs(v) + 1e-30);
      stored.forEach((v, i) => expect(Math.abs(v - exported[i]!), `${column} row ${i + 1}`).toBeLessThanOrEqual(tolerance(exported[i]!)));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(7);
  });
});

describe('.mpr and .mpt give the same spectrum and the same fit', () => {
  it('echemistpy PEIS: same 43 points, and R0-p(R1,CPE1)-p(R2,CPE2) fitted to the same parameters', () => {
    const fromMpr = parseImpedanceFile(fixture('echemistpy_Biologic_EIS.mpr'), 'Biologic_EIS.mpr');
    const fromMpt = parseImpedanceFile(fixture('echemistpy_Biologic_EIS.mpt'), 'Biologic_EIS.mpt');
    expect(fromMpr.source.format).toBe('biologic-mpr');
    expect(fromMpt.source.format).toBe('biologic-mpt');
    expect(fromMpr.frequencyHz).toHaveLength(43);
    for (const key of ['frequencyHz', 'zRe', 'zIm'] as const) {
      fromMpr[key].forEach((v, i) => expect(Math.abs(v - fromMpt[key][i]!)).toBeLessThanOrEqual(1e-7 * Math.abs(v)));
    }
    // Capacitive: -Im(Z) > 0 in both files becomes Z'' < 0.
    expect(fromMpr.zIm.every((v) => v < 0)).toBe(true);
    const circuit = 'R0-p(R1,CPE1)-p(R2,CPE2)';
    const a = fitCircuit(circuit, fromMpr, { weighting: 'modulus' });
    const b = fitCircuit(circuit, fromMpt, { weighting: 'modulus' });
    expect(Math.abs(a.chiSquare - b.chiSquare)).toBeLessThanOrEqual(1e-4 * b.chiSquare);
    a.parameters.forEach((p, k) => expect(p.value).toBeCloseTo(b.parameters[k]!.value, -Math.floor(Math.log10(Math.abs(p.value))) + 3));
  });

  it("dgpost's PEIS file: R0-p(R1,C1)-p(R2,C2) weighted by modulus (the default) gives dgpost's reference values", () => {
    const spectrum = parseImpedanceFile(fixture('dgpost_peis_single_data.mpr'), 'peis_single_data.mpr');
    expect(spectrum.frequencyHz).toHaveLength(64);
    const value = (weighting: Weighting) => Object.fromEntries(fitCircuit('R0-p(R1,C1)-p(R2,C2)', spectrum, { weighting }).parameters.map((p) => [p.name, p.value]));
    // tests/test_impedance.py of dgbowl/dgpost (0dc6659): its fitted values.
    const reference = { R0: 475.2433, R1: 1017.984, R2: 3560.827, C1: 8.2174e-9, C2: 2.30136e-6 };
    const modulus = value(DEFAULT_EIS_WEIGHTING);
    for (const [name, expected] of Object.entries(reference)) expect(Math.abs(modulus[name]! / expected - 1), name).toBeLessThan(1e-5);
    // Unweighted, the same points give another C1 (8.65 nF): the reference is the modulus-weighted minimum.
    expect(value('unit').C1! / reference.C1).toBeGreaterThan(1.04);
  });
});

describe('galvanostatic .mpr files as time series', () => {
  it.each(['echemistpy_HAC_NH3_Fe_01_02_GCPL_C03', 'yadg_cp', 'yadg_coc.issue_185'])('%s: the .mpr and its .mpt give the same series', (name) => {
    const a = parseElectrochemSeries(fixture(`${name}.mpr`), `${name}.mpr`);
    const b = parseElectrochemSeries(fixture(`${name}.mpt`), `${name}.mpt`);
    expect(a.format).toBe('biologic-mpr');
    expect(b.format).toBe('biologic-mpt');
    expect(a.timeS.length).toBe(b.timeS.length);
    a.timeS.forEach((t, i) => expect(Math.abs(t - b.timeS[i]!)).toBeLessThanOrEqual(1e-4));
    a.voltageV.forEach((v, i) => expect(Math.abs(v - b.voltageV[i]!)).toBeLessThanOrEqual(1e-7 * Math.abs(v)));
    a.currentA.forEach((v, i) => expect(Math.abs(v - b.currentA[i]!)).toBeLessThanOrEqual(1e-7 * Math.abs(v) + 1e-15));
  });

  it('GCPL without a current column: the current is computed from dq as EC-Lab exports it (+-300 uA), with a warning', () => {
    const s = parseElectrochemSeries(fixture('echemistpy_HAC_NH3_Fe_01_02_GCPL_C03.mpr'), 'gcpl.mpr');
    expect(s.warnings.some((w) => /computed from dq/.test(w))).toBe(true);
    const charging = Array.from(s.currentA).filter((i) => i > 1e-4);
    expect(charging.length).toBeGreaterThan(1000);
    for (const i of charging) expect(i).toBeCloseTo(3e-4, 5);
  });
});

describe('damaged and forged .mpr files', () => {
  const real = fixture('echemistpy_Biologic_EIS.mpr');

  it('a file cut short reads the complete rows, with a warning', () => {
    // Cut inside the data module: 1000 bytes before the module after it.
    const next = real.indexOf('MODULE', real.indexOf('VMP data') + 1);
    const mpr = readMpr(real.subarray(0, next - 1000));
    expect(mpr.rows).toBeLessThan(43);
    expect(mpr.rows).toBeGreaterThan(0);
    expect(mpr.warnings.join(' ')).toMatch(/cut short|ends after/);
  });

  it('an unknown data module version is IMPORT_UNSUPPORTED, naming the .mpt as the way out', () => {
    const bytes = Uint8Array.from(readFileSync(fileURLToPath(new URL('../../tests/fixtures/biologic-mpr/yadg_cp.mpr', import.meta.url))));
    const at = Buffer.from(bytes).indexOf('VMP data');
    // Old header form: the version is the uint32 after the 25-byte long name and the length.
    new DataView(bytes.buffer).setUint32(at + 10 + 25 + 4, 7, true);
    expect(() => readMpr(bytes)).toThrow(expect.objectContaining({ code: 'IMPORT_UNSUPPORTED', message: expect.stringMatching(/version 7.*\.mpt/) }));
  });

  it('never crashes on random bytes, with or without the magic: a file or an ImportError', () => {
    const magic = real.subarray(0, 52);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 2048 }), (withMagic, tail) => {
        const bytes = withMagic ? Buffer.concat([magic, tail]) : tail;
        try {
          const mpr = readMpr(bytes);
          for (const c of mpr.columns) expect(mpr.column(c.name)).toHaveLength(mpr.rows);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on a real file with bytes changed or cut off: a file or an ImportError', () => {
    const files = FILES.map((f) => fixture(`${f.name}.mpr`)).filter((b) => b.length < 200_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat()),
        (which, changes, cut) => {
          const bytes = Uint8Array.from(files[which]!);
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          const input = cut === null ? bytes : bytes.subarray(0, cut % bytes.length);
          try {
            const mpr = readMpr(input);
            for (const c of mpr.columns) mpr.column(c.name);
          } catch (e) {
            expect(isImportError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
