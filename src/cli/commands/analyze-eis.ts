import { Circuit } from '../../analysis/eis/circuit.js';
import { bulkResistance, conductivitySPerCm, fittedArcs, type CellGeometry, type FittedArc } from '../../analysis/eis/derived.js';
import { drt, type DrtResult } from '../../analysis/eis/drt.js';
import { drtJson, drtSummaryLine } from './drt-output.js';
import { isEisError } from '../../analysis/eis/errors.js';
import { fitCircuit, WEIGHTINGS, type CircuitFitResult, type Weighting } from '../../analysis/eis/fit.js';
import { linKk, type LinKkResult } from '../../analysis/eis/lin-kk.js';
import { extent } from '../../core/extent.js';
import { EIS_MAPPING } from '../../io/column-mapping.js';
import { parseImpedanceSpectra, type ImpedanceFile } from '../../io/impedance-file.js';
import { DEFAULT_EIS_WEIGHTING } from '../../protocols/eis/eis-parameters.js';
import { UsageError, type CliRunner } from '../command.js';
import { columnMappingOption, readDataFile } from './analyze-data-file.js';
import { onePositional, parseAnalyzeArgs, positiveNumber, printJson } from './analyze-options.js';

/**
 * `analyze eis FILE`: one fit per spectrum of the file (a loop, cycle, sweep
 * or table: `io/impedance-spectra.ts`), printed as `{"spectra":[...],
 * "warnings":[...]}`; `--loop K` fits the K-th alone and prints its object.
 */
export const analyzeEisCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, {
      circuit: { type: 'string' },
      weighting: { type: 'string', default: DEFAULT_EIS_WEIGHTING },
      'exclude-inductive': { type: 'boolean' },
      'thickness-cm': { type: 'string' },
      'area-cm2': { type: 'string' },
      kk: { type: 'boolean' },
      drt: { type: 'boolean' },
      loop: { type: 'string' },
      columns: { type: 'string' },
      json: { type: 'boolean' },
    });
    const file = onePositional(positionals, 'impedance file');
    if (values.circuit === undefined) throw new UsageError('--circuit is required, e.g. --circuit "R0-p(R1,CPE1)-W1"');
    const weighting = values.weighting as Weighting;
    if (!WEIGHTINGS.includes(weighting)) throw new UsageError(`--weighting must be one of ${WEIGHTINGS.join(', ')}, got "${values.weighting}"`);
    const geometry = geometryOf(values['thickness-cm'], values['area-cm2']);
    const loop = values.loop === undefined ? null : loopNumber(values.loop);
    const columns = columnMappingOption(values.columns, EIS_MAPPING, ['loop']);
    // Parse the circuit before reading data, so a typo is reported at once.
    const circuit = Circuit.parse(values.circuit);
    const options: SpectrumOptions = { circuit, weighting, geometry, kk: values.kk ?? false, drt: values.drt ?? false };

    const parsed = parseImpedanceSpectra(await readDataFile(io, file), file, { excludeInductive: values['exclude-inductive'] ?? false, ...(columns && { columns }) });
    if (loop !== null) {
      const spectrum = parsed.spectra[loop - 1];
      if (spectrum === undefined) throw new UsageError(`--loop ${loop}: ${file} holds ${parsed.spectra.length} spectr${parsed.spectra.length === 1 ? 'um' : 'a'}`);
      const result = analyzeSpectrum(spectrum, options);
      const warnings = [...parsed.warnings, ...result.warnings];
      if (values.json) printJson(io, { ...result.json, warnings });
      else io.stdout(summary(file, spectrum, result, warnings));
      return 0;
    }
    // One spectrum that cannot be fitted (too few points) does not hide the others: it is reported in its place.
    const results = parsed.spectra.map((spectrum) => {
      try {
        return { spectrum, result: analyzeSpectrum(spectrum, options) };
      } catch (e) {
        if (isEisError(e)) return { spectrum, error: e };
        throw e;
      }
    });
    const failed = results.filter((r) => r.error !== undefined).length;
    if (values.json) {
      printJson(io, {
        spectra: results.map(({ spectrum, result, error }) => ({
          loop: spectrum.source.loop,
          label: spectrum.source.label,
          frequencyRangeHz: frequencyRangeHz(spectrum),
          ...(result ? { ...result.json, warnings: result.warnings } : { error: { code: error!.code, message: error!.message } }),
        })),
        warnings: parsed.warnings,
      });
    } else {
      const parts = results.map(({ spectrum, result, error }) =>
        result ? summary(`${file} #${spectrum.source.loop}${spectrum.source.label ? ` (${spectrum.source.label})` : ''}`, spectrum, result, result.warnings) : `${file} #${spectrum.source.loop}: not fitted: ${error!.message}\n`,
      );
      const tail = parsed.warnings.length > 0 ? `\nfile warnings:\n${parsed.warnings.map((w) => `  - ${w}\n`).join('')}` : '';
      io.stdout(`${file}: ${results.length} spectr${results.length === 1 ? 'um' : 'a'}, ${weighting} weighting\n\n${parts.join('\n')}${tail}`);
    }
    return failed > 0 ? 1 : 0;
  },
};

interface SpectrumOptions {
  readonly circuit: Circuit;
  readonly weighting: Weighting;
  readonly geometry: CellGeometry | null;
  readonly kk: boolean;
  readonly drt: boolean;
}

interface SpectrumResult {
  readonly fit: CircuitFitResult;
  readonly arcs: FittedArc[];
  readonly kk: LinKkResult | null;
  readonly distribution: DrtResult | null;
  readonly conductivity: number | null;
  /** about this spectrum's fit (not the file's) */
  readonly warnings: string[];
  /** the documented object of one spectrum, without its warnings */
  readonly json: Record<string, unknown>;
}

/** Fit, Lin-KK, DRT and conductivity of one spectrum. */
function analyzeSpectrum(spectrum: ImpedanceFile, { circuit, weighting, geometry, kk: withKk, drt: withDrt }: SpectrumOptions): SpectrumResult {
  const fit = fitCircuit(circuit, spectrum, { weighting });
  const kk = withKk ? linKk(spectrum) : null;
  const distribution = withDrt ? drt(spectrum) : null;
  const warnings = [...fit.warnings];
  if (kk && !kk.pass) warnings.push(`Lin-KK: residuals up to ${(100 * kk.maxResidual).toFixed(2)}% of |Z|: the spectrum is not Kramers-Kronig consistent`);
  let conductivity: number | null = null;
  if (geometry) {
    const bulk = bulkResistance(circuit, fit, geometry);
    if (bulk === null) warnings.push(`no conductivity: ${circuit.text} has no arc with a bulk capacitance and no series resistor`);
    else {
      conductivity = conductivitySPerCm(bulk.resistanceOhm, geometry);
      if (bulk.fromSeriesResistance) warnings.push(`no arc has a bulk capacitance: conductivity uses the series resistance ${bulk.from.join(' + ')}`);
    }
  }
  const json = {
    circuit: fit.circuit,
    points: fit.points,
    parameters: Object.fromEntries(fit.parameters.map((p) => [p.name, { value: p.value, stderr: p.stderr, unit: p.unit }])),
    rss: fit.rss,
    chiSquare: fit.chiSquare,
    kk: kk && { M: kk.M, mu: kk.mu, pass: kk.pass, maxResidual: kk.maxResidual },
    drt: distribution && drtJson(distribution),
    conductivitySPerCm: conductivity,
  };
  return { fit, arcs: fittedArcs(circuit, fit, geometry ?? undefined), kk, distribution, conductivity, warnings, json };
}

/** `--loop K`: a whole number from 1. */
function loopNumber(text: string): number {
  const k = Number(text);
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--loop must be a whole number from 1 (the first spectrum of the file), got "${text}"`);
  return k;
}

function frequencyRangeHz(spectrum: ImpedanceFile): [number, number] {
  const range = extent(spectrum.frequencyHz);
  return range === null ? [0, 0] : [range.min, range.max];
}

function geometryOf(thickness: string | undefined, area: string | undefined): CellGeometry | null {
  if (thickness === undefined && area === undefined) return null;
  if (thickness === undefined || area === undefined) throw new UsageError('--thickness-cm and --area-cm2 go together (conductivity needs both)');
  return { thicknessCm: positiveNumber(thickness, 'thickness-cm'), areaCm2: positiveNumber(area, 'area-cm2') };
}

function summary(title: string, spectrum: ImpedanceFile, { fit, arcs, kk, distribution, conductivity }: SpectrumResult, warnings: readonly string[]): string {
  const excluded = spectrum.source.inductivePointsExcluded;
  const lines = [`${title}: ${fit.circuit}, ${fit.points} points${excluded > 0 ? ` (${excluded} inductive excluded)` : ''}, ${fit.weighting} weighting`, ''];
  const width = extent(fit.parameters.map((p) => p.name.length))?.max ?? 0;
  for (const p of fit.parameters) {
    const error = p.fixed ? '(fixed)' : p.stderr === null ? '± ?' : `± ${p.stderr.toPrecision(2)}`;
    lines.push(`  ${p.name.padEnd(width)}  ${p.value.toPrecision(5).padStart(12)} ${error.padEnd(12)} ${p.unit}`);
  }
  lines.push('', `  rss ${fit.rss.toPrecision(4)} ohm^2, chi-square ${fit.chiSquare.toPrecision(4)} (${fit.weighting})${fit.converged ? '' : ', NOT converged'}`);
  for (const a of arcs) {
    lines.push(`  ${a.resistor}||${a.capacitor}: C = ${a.capacitanceF.toPrecision(3)} F, f = ${a.frequencyHz.toPrecision(3)} Hz -> ${a.assignment}`);
  }
  if (conductivity !== null) lines.push(`  conductivity ${conductivity.toPrecision(4)} S/cm`);
  if (kk) lines.push(`  Lin-KK: M = ${kk.M}, mu = ${kk.mu.toFixed(3)}, max residual ${(100 * kk.maxResidual).toFixed(2)}% -> ${kk.pass ? 'pass' : 'FAIL'}`);
  if (distribution) {
    lines.push(drtSummaryLine(distribution));
  }
  if (warnings.length > 0) lines.push('', 'warnings:');
  for (const w of warnings) lines.push(`  - ${w}`);
  return `${lines.join('\n')}\n`;
}
