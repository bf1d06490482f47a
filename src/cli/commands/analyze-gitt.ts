import { analyzeGitt, type GittPulseResult, type GittSample } from '../../analysis/gitt/index.js';
import { GITT_MAPPING } from '../../io/column-mapping.js';
import { parseElectrochemSeries } from '../../io/electrochem-series.js';
import { UsageError, type CliRunner } from '../command.js';
import { columnMappingOption, readDataFile } from './analyze-data-file.js';
import { onePositional, parseAnalyzeArgs, printJson, readInputFile } from './analyze-options.js';

const MASS_SET = ['massG', 'molarVolumeCm3PerMol', 'molarMassGPerMol', 'areaCm2'] as const;
const PARAM_KEYS = [...MASS_SET, 'particleRadiusCm', 'theoreticalCapacityMah', 'initialX', 'electronsPerIon'] as const;

export const analyzeGittCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, { params: { type: 'string' }, columns: { type: 'string' }, json: { type: 'boolean' } });
    const file = onePositional(positionals, 'data file');
    if (values.params === undefined) throw new UsageError('--params PARAMS.json is required');
    const columns = columnMappingOption(values.columns, GITT_MAPPING);
    const sample = parseParams(await readInputFile(io, values.params), values.params);
    const series = parseElectrochemSeries(await readDataFile(io, file), file, columns && { columns });
    const analysis = analyzeGitt(series, sample);
    const withX = analysis.pulses.some((p) => p.x !== null);
    const warnings = [
      // What the reader noticed (rows left out, a current derived, a file cut short) comes first: it bears on every pulse.
      ...series.warnings,
      ...analysis.warnings,
      ...analysis.pulses.flatMap((p) => p.warnings.map((w) => `pulse ${p.index}: ${w}`)),
    ];
    if (values.json) {
      printJson(io, { pulses: analysis.pulses.map((p) => jsonPulse(p, withX)), warnings });
      return 0;
    }
    io.stdout(summary(analysis.pulses, withX, warnings));
    return 0;
  },
};

function jsonPulse(p: GittPulseResult, withX: boolean) {
  const { index, startS, durationS, currentA, e0V, esV, dEsV, dEtV, irDropV, resistanceOhm, diffusionCm2PerS, diffusionSqrtTCm2PerS, sqrtTR2, x, warnings } = p;
  return {
    index,
    startS,
    durationS,
    currentA,
    e0V,
    esV,
    dEsV,
    dEtV,
    irDropV,
    resistanceOhm,
    diffusionCm2PerS,
    diffusionSqrtTCm2PerS,
    sqrtTR2,
    ...(withX && { x }),
    // Also in the top-level list (prefixed `pulse K:`); here a script finds them on the pulse they concern.
    warnings,
  };
}

/** PARAMS.json: the mass set or particleRadiusCm, with optional composition fields; anything else is a usage error. */
function parseParams(text: string, fileName: string): GittSample {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${fileName}: not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${fileName}: expected a JSON object`);
  const params = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(params)) {
    if (!(PARAM_KEYS as readonly string[]).includes(key)) throw new UsageError(`${fileName}: unknown key "${key}" (known: ${PARAM_KEYS.join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UsageError(`${fileName}: "${key}" must be a number, got ${JSON.stringify(value)}`);
  }
  const massKeys = MASS_SET.filter((k) => k in params);
  const massComplete = massKeys.length === MASS_SET.length;
  const radius = 'particleRadiusCm' in params;
  if (massComplete === radius) {
    throw new UsageError(
      `${fileName}: give either ${MASS_SET.join(', ')}, or particleRadiusCm` +
        (radius ? ', not both' : massKeys.length > 0 ? ` (missing ${MASS_SET.filter((k) => !(k in params)).join(', ')})` : ''),
    );
  }
  return params as GittSample;
}

function summary(pulses: GittPulseResult[], withX: boolean, warnings: string[]): string {
  const f = (v: number | null, scale: number, digits: number) => (v === null ? '-' : (v * scale).toFixed(digits));
  const g = (v: number | null) => (v === null ? '-' : v.toExponential(2));
  const header = ['#', 'start/s', 'tau/s', 'I/mA', 'E0/V', 'Es/V', 'dEs/mV', 'dEt/mV', 'IR/mV', 'R/ohm', 'D/(cm2/s)', 'D_sqrt(t)/(cm2/s)', 'R2_sqrt(t)', ...(withX ? ['x'] : [])];
  const rows = pulses.map((p) => [
    String(p.index),
    p.startS.toFixed(0),
    p.durationS.toFixed(1),
    (p.currentA * 1e3).toPrecision(4),
    f(p.e0V, 1, 4),
    f(p.esV, 1, 4),
    f(p.dEsV, 1e3, 2),
    f(p.dEtV, 1e3, 2),
    f(p.irDropV, 1e3, 2),
    f(p.resistanceOhm, 1, 1),
    g(p.diffusionCm2PerS),
    g(p.diffusionSqrtTCm2PerS),
    f(p.sqrtTR2, 1, 4),
    ...(withX ? [f(p.x, 1, 4)] : []),
  ]);
  const widths = header.map((h, c) => rows.reduce((width, r) => Math.max(width, r[c]!.length), h.length));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  return `GITT: ${pulses.length} pulse(s)\n${[header, ...rows].map(line).join('\n')}\n${warnings.map((w) => `warning: ${w}\n`).join('')}`;
}
