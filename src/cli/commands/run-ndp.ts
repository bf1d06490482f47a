import { parseNdpStackFile } from '../../analysis/ndp/stack-file.js';
import { isAnalysisError } from '../../analysis/errors.js';
import type { FitResult } from '../../core/documents.js';
import type { NdpPlatingParametersInput } from '../../protocols/ndp/ndp-parameters.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { runProtocolFromCli } from '../run-protocol.js';
import { positiveNumber, readInputFile } from './analyze-options.js';

const OPTIONS = {
  config: { type: 'string' },
  potentiostat: { type: 'string' },
  mca: { type: 'string' },
  'current-density': { type: 'string' },
  area: { type: 'string' },
  'plating-time': { type: 'string' },
  'plating-capacity': { type: 'string' },
  'strip-cutoff': { type: 'string' },
  'strip-max': { type: 'string' },
  cycles: { type: 'string' },
  rest: { type: 'string' },
  'sample-interval': { type: 'string' },
  spectrum: { type: 'string' },
  'monitor-rate': { type: 'string' },
  'monitor-min-fraction': { type: 'string' },
  stack: { type: 'string' },
  calibration: { type: 'string' },
  branch: { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** The protocol parameters from the options and the stack file; the engine validates them. */
export async function ndpParametersFromOptions(v: Values, readStack: (path: string) => Promise<string>): Promise<NdpPlatingParametersInput> {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  for (const k of ['potentiostat', 'mca', 'current-density', 'strip-cutoff', 'strip-max', 'cycles', 'spectrum', 'monitor-rate', 'stack', 'calibration']) {
    if (s(k) === undefined) throw new UsageError(`--${k} is required`);
  }
  if ((s('plating-time') === undefined) === (s('plating-capacity') === undefined)) throw new UsageError('give --plating-time DURATION or --plating-capacity "1 mAh/cm2", one of them');
  const cycles = Number(s('cycles'));
  if (!(Number.isInteger(cycles) && cycles > 0)) throw new UsageError(`--cycles must be a whole number > 0, got ${s('cycles')}`);
  const branch = s('branch');
  if (branch !== undefined && branch !== 'triton' && branch !== 'alpha') throw new UsageError(`--branch must be triton or alpha, got ${branch}`);
  let stack;
  try {
    stack = parseNdpStackFile(await readStack(s('stack')!), s('stack')!);
  } catch (e) {
    if (isAnalysisError(e)) throw new UsageError(e.message);
    throw e;
  }
  const minFraction = s('monitor-min-fraction') !== undefined ? positiveNumber(s('monitor-min-fraction'), 'monitor-min-fraction') : undefined;
  return {
    potentiostat: s('potentiostat')!,
    mca: s('mca')!,
    currentDensity: s('current-density')!,
    ...(s('area') && { area: s('area')! }),
    plating: s('plating-time') !== undefined ? { duration: s('plating-time')! } : { capacity: s('plating-capacity')! },
    stripping: { cutoff: s('strip-cutoff')!, maxDuration: s('strip-max')! },
    cycles,
    ...(s('rest') && { rest: s('rest')! }),
    ...(s('sample-interval') && { sampleInterval: s('sample-interval')! }),
    spectrum: { realTime: s('spectrum')! },
    monitor: { nominalRate: s('monitor-rate')!, ...(minFraction !== undefined && { minFraction }) },
    ndp: {
      stack: { detectorAngleDeg: stack.stack.detectorAngleDeg, layers: stack.stack.layers, ...(stack.energyCalibrationKeV && { calibration: { energyKeV: stack.energyCalibrationKeV } }) },
      calibration: positiveNumber(s('calibration'), 'calibration'),
      ...(branch !== undefined && { branch }),
    },
  } as NdpPlatingParametersInput;
}

/** One line per cycle as it ends. */
function describeCycle(fit: FitResult): string | null {
  if (fit.method !== 'li-efficiency') return null;
  const r = fit.result as { liEfficiency: number | null; coulombicEfficiency: number | null; platedLiPerCm2: number | null; inactiveLiPerCm2: number | null };
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const li = (x: number | null) => (x === null ? 'n/a' : `${x.toExponential(3)} Li/cm2`);
  return `  cycle ${fit.index}: Li efficiency ${pct(r.liEfficiency)} (NDP), CE ${pct(r.coulombicEfficiency)}, plated ${li(r.platedLiPerCm2)}, inactive ${li(r.inactiveLiPerCm2)}\n`;
}

/**
 * `operando run ndp`: an operando NDP plating/stripping run headless on the
 * lab of a lab file, printing progress and each cycle's Li efficiency against
 * its Coulombic efficiency; `--json` prints the cycles at the end.
 */
export const runNdpCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, OPTIONS);
    const parameters = await ndpParametersFromOptions(values, (path) => readInputFile(io, path));
    return runProtocolFromCli(io, values, 'ndp-plating', parameters, describeCycle, (fits) => ({
      cycles: fits.filter((f) => f.method === 'li-efficiency').map((f) => f.result),
      spectra: fits.filter((f) => f.method === 'ndp-profile').length,
    }));
  },
};
