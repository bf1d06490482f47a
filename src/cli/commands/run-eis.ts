import type { FitResult } from '../../core/documents.js';
import type { EisParametersInput, EisSweepInput } from '../../protocols/eis/eis-parameters.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { runProtocolFromCli } from '../run-protocol.js';

/** Options of one sweep, shared by `run eis` and `run vt` (their usage: EIS_SWEEP_USAGE in index.ts). */
export const EIS_SWEEP_OPTIONS = {
  start: { type: 'string' },
  end: { type: 'string' },
  mode: { type: 'string' },
  'dc-current': { type: 'string' },
  'points-per-decade': { type: 'string' },
  points: { type: 'string' },
  amplitude: { type: 'string' },
  bias: { type: 'string' },
  'bias-vs': { type: 'string' },
  'ocp-duration': { type: 'string' },
  'wait-before': { type: 'string' },
  circuit: { type: 'string' },
  weighting: { type: 'string' },
  'exclude-inductive': { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

const text = (v: Values, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

function count(v: Values, k: string): number | undefined {
  const s = text(v, k);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`--${k} must be a whole number > 0, got ${s}`);
  return n;
}

/** A sweep from the options (defaults: 1 MHz to 0.1 Hz, 10 per decade, 10 mV vs OCP); the engine validates it. */
export function eisSweepFromOptions(v: Values): EisSweepInput {
  const mode = text(v, 'mode');
  if (mode !== undefined && mode !== 'potentiostatic' && mode !== 'galvanostatic') throw new UsageError(`--mode must be potentiostatic or galvanostatic, got ${mode}`);
  const galvanostatic = mode === 'galvanostatic';
  if (galvanostatic && text(v, 'amplitude') === undefined) throw new UsageError('--mode galvanostatic needs --amplitude as a current, e.g. "10 uA"');
  const biasVs = text(v, 'bias-vs');
  if (biasVs !== undefined && biasVs !== 'ocp' && biasVs !== 'absolute') throw new UsageError(`--bias-vs must be ocp or absolute, got ${biasVs}`);
  const weighting = text(v, 'weighting');
  if (weighting !== undefined && !['unit', 'modulus', 'proportional'].includes(weighting)) throw new UsageError(`--weighting must be unit, modulus or proportional, got ${weighting}`);
  const perDecade = text(v, 'points-per-decade');
  const ppd = perDecade !== undefined ? Number(perDecade) : undefined;
  if (ppd !== undefined && !(ppd > 0)) throw new UsageError(`--points-per-decade must be a number > 0, got ${perDecade}`);
  const points = count(v, 'points');
  return {
    ...(mode !== undefined && { mode: mode as 'potentiostatic' | 'galvanostatic' }),
    ...(text(v, 'dc-current') && { dcCurrent: text(v, 'dc-current')! }),
    startFrequency: text(v, 'start') ?? '1 MHz',
    endFrequency: text(v, 'end') ?? '0.1 Hz',
    ...(ppd !== undefined && { pointsPerDecade: ppd }),
    ...(points !== undefined && { points }),
    amplitude: text(v, 'amplitude') ?? '10 mV',
    ...((text(v, 'bias') !== undefined || biasVs !== undefined) && { bias: { dc: text(v, 'bias') ?? '0 V', vs: (biasVs ?? 'ocp') as 'ocp' | 'absolute' } }),
    ...(text(v, 'ocp-duration') && { ocpDuration: text(v, 'ocp-duration')! }),
    ...(text(v, 'wait-before') && { waitBefore: text(v, 'wait-before')! }),
    ...(text(v, 'circuit') && { circuit: text(v, 'circuit')! }),
    ...(weighting !== undefined && { weighting: weighting as EisSweepInput['weighting'] }),
    ...(v['exclude-inductive'] === true && { excludeInductive: true }),
  };
}

export function eisParametersFromOptions(v: Values): EisParametersInput {
  const instrument = text(v, 'instrument');
  if (!instrument) throw new UsageError('--instrument is required');
  const repeats = count(v, 'repeats');
  return { instrument, ...eisSweepFromOptions(v), ...(repeats !== undefined && { repeats }) };
}

/** One line for an EIS fit document. */
export function describeEisFit(fit: FitResult): string {
  const r = fit.result as { ok?: boolean; rss?: number; kk?: { pass: boolean } | null; bulkResistance?: { resistanceOhm: number } | null; conductivitySPerCm?: number | null; warnings?: string[] };
  const parts = [
    `sweep ${fit.index}: ${r.ok ? 'ok' : 'FLAGGED'}`,
    r.bulkResistance ? `R_bulk ${r.bulkResistance.resistanceOhm.toPrecision(4)} ohm` : null,
    typeof r.conductivitySPerCm === 'number' ? `sigma ${r.conductivitySPerCm.toPrecision(4)} S/cm` : null,
    r.rss !== undefined ? `rss ${r.rss.toPrecision(3)} ohm^2` : null,
    r.kk ? `KK ${r.kk.pass ? 'pass' : 'fail'}` : null,
  ].filter((p) => p !== null);
  return `  ${parts.join(', ')}${r.warnings?.length ? ` (${r.warnings.join('; ')})` : ''}\n`;
}

/**
 * Starts a headless lab, runs one protocol, prints its progress and fits
 * (`onFit` formats them; `--json` collects them instead) and closes the lab.
 * Returns the exit code: 0 when the run completed.
 */
export const runEisCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, { config: { type: 'string' }, instrument: { type: 'string' }, repeats: { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, ...EIS_SWEEP_OPTIONS });
    const parameters = eisParametersFromOptions(values);
    return runProtocolFromCli(
      io,
      values,
      'eis',
      parameters,
      (fit) => (fit.method === 'eis' ? describeEisFit(fit) : null),
      (fits) => ({ sweeps: fits.filter((f) => f.method === 'eis').map((f) => ({ sweep: f.index, ...f.result })) }),
    );
  },
};
