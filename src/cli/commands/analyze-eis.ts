import { Circuit } from '../../analysis/eis/circuit.js';
import { bulkResistance, conductivitySPerCm, fittedArcs, type CellGeometry, type FittedArc } from '../../analysis/eis/derived.js';
import { drt, type DrtResult } from '../../analysis/eis/drt.js';
import { fitCircuit, WEIGHTINGS, type CircuitFitResult, type Weighting } from '../../analysis/eis/fit.js';
import { linKk, type LinKkResult } from '../../analysis/eis/lin-kk.js';
import { parseImpedanceFile } from '../../io/impedance-file.js';
import { UsageError, type CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, positiveNumber, printJson, readInputFile } from './analyze-options.js';
import { extent } from '../../core/extent.js';

export const analyzeEisCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, {
      circuit: { type: 'string' },
      weighting: { type: 'string', default: 'unit' },
      'exclude-inductive': { type: 'boolean' },
      'thickness-cm': { type: 'string' },
      'area-cm2': { type: 'string' },
      kk: { type: 'boolean' },
      drt: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const file = onePositional(positionals, 'impedance file');
    if (values.circuit === undefined) throw new UsageError('--circuit is required, e.g. --circuit "R0-p(R1,CPE1)-W1"');
    const weighting = values.weighting as Weighting;
    if (!WEIGHTINGS.includes(weighting)) throw new UsageError(`--weighting must be one of ${WEIGHTINGS.join(', ')}, got "${values.weighting}"`);
    const geometry = geometryOf(values['thickness-cm'], values['area-cm2']);
    // Parse the circuit before reading data, so a typo is reported at once.
    const circuit = Circuit.parse(values.circuit);

    const spectrum = parseImpedanceFile(await readInputFile(io, file), file, { excludeInductive: values['exclude-inductive'] ?? false });
    const fit = fitCircuit(circuit, spectrum, { weighting });
    const kk = values.kk ? linKk(spectrum) : null;
    const distribution = values.drt ? drt(spectrum) : null;
    const skipped = spectrum.source.incompleteRowsSkipped;
    const warnings = [...(skipped > 0 ? [`${skipped} rows with an empty cell (a point the instrument could not measure) were left out`] : []), ...fit.warnings];
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

    if (values.json) {
      printJson(io, {
        circuit: fit.circuit,
        points: fit.points,
        parameters: Object.fromEntries(fit.parameters.map((p) => [p.name, { value: p.value, stderr: p.stderr, unit: p.unit }])),
        rss: fit.rss,
        chiSquare: fit.chiSquare,
        kk: kk && { M: kk.M, mu: kk.mu, pass: kk.pass, maxResidual: kk.maxResidual },
        drt: distribution && { lambda: distribution.lambda, peaks: distribution.peaks.map((p) => ({ tauS: p.tauS, resistanceOhm: p.resistanceOhm })) },
        conductivitySPerCm: conductivity,
        warnings,
      });
      return 0;
    }
    io.stdout(summary(file, fit, fittedArcs(circuit, fit, geometry ?? undefined), kk, distribution, conductivity, warnings, spectrum.source.inductivePointsExcluded));
    return 0;
  },
};

function geometryOf(thickness: string | undefined, area: string | undefined): CellGeometry | null {
  if (thickness === undefined && area === undefined) return null;
  if (thickness === undefined || area === undefined) throw new UsageError('--thickness-cm and --area-cm2 go together (conductivity needs both)');
  return { thicknessCm: positiveNumber(thickness, 'thickness-cm'), areaCm2: positiveNumber(area, 'area-cm2') };
}

function summary(
  file: string,
  fit: CircuitFitResult,
  arcs: FittedArc[],
  kk: LinKkResult | null,
  distribution: DrtResult | null,
  conductivity: number | null,
  warnings: string[],
  excluded: number,
): string {
  const lines = [`${file}: ${fit.circuit}, ${fit.points} points${excluded > 0 ? ` (${excluded} inductive excluded)` : ''}, ${fit.weighting} weighting`, ''];
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
    const peaks = distribution.peaks.map((p) => `tau ${p.tauS.toPrecision(3)} s: ${p.resistanceOhm.toPrecision(3)} ohm`);
    lines.push(`  DRT (lambda ${distribution.lambda.toPrecision(2)}): ${peaks.length > 0 ? peaks.join('; ') : 'no peaks'}`);
  }
  if (warnings.length > 0) lines.push('', 'warnings:');
  for (const w of warnings) lines.push(`  - ${w}`);
  return `${lines.join('\n')}\n`;
}
