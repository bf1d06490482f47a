import type { FitResult } from '../../core/documents.js';
import type { VtSeriesParametersInput } from '../../protocols/vt-series/vt-parameters.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { describeEisFit, EIS_SWEEP_OPTIONS, eisSweepFromOptions } from './run-eis.js';
import { runProtocolFromCli } from '../run-protocol.js';

const OPTIONS = {
  config: { type: 'string' },
  controller: { type: 'string' },
  potentiostat: { type: 'string' },
  temperatures: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string' },
  ramp: { type: 'string' },
  band: { type: 'string' },
  'max-rate': { type: 'string' },
  hold: { type: 'string' },
  timeout: { type: 'string' },
  poll: { type: 'string' },
  'suspend-band': { type: 'string' },
  'suspend-policy': { type: 'string' },
  external: { type: 'string' },
  'max-wait': { type: 'string' },
  'jump-distance': { type: 'string' },
  dimension: { type: 'string' },
  'exsy-distance': { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  ...EIS_SWEEP_OPTIONS,
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Builds the VT series parameters from the options; the engine validates them. */
export function vtParametersFromOptions(v: Values): VtSeriesParametersInput {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const controller = s('controller');
  if (!controller) throw new UsageError('--controller is required');
  const list = s('temperatures');
  const range = s('from') !== undefined || s('to') !== undefined || s('step') !== undefined;
  if ((list !== undefined) === range) throw new UsageError('give --temperatures "300 K,320 K,..." or --from "300 K" --to "360 K" --step "20 K"');
  if (range && !(s('from') && s('to') && s('step'))) throw new UsageError('--from, --to and --step go together');
  const potentiostat = s('potentiostat');
  const external = s('external');
  if (!potentiostat && !external) throw new UsageError('give --potentiostat ID (EIS at each temperature), --external nmr-t2,nmr-exsy (a hold for NMR), or both');
  const kinds = external?.split(',').map((k) => k.trim());
  if (kinds?.some((k) => k !== 'nmr-t2' && k !== 'nmr-exsy')) throw new UsageError(`--external takes nmr-t2 and/or nmr-exsy, got ${external}`);
  const policy = s('suspend-policy');
  if (policy !== undefined && policy !== 'repeat' && policy !== 'mark') throw new UsageError(`--suspend-policy must be repeat or mark, got ${policy}`);
  const dimension = s('dimension') !== undefined ? Number(s('dimension')) : undefined;
  if (dimension !== undefined && dimension !== 1 && dimension !== 2 && dimension !== 3) throw new UsageError(`--dimension must be 1, 2 or 3, got ${s('dimension')}`);
  const settle = {
    ...(s('band') && { band: s('band')! }),
    ...(s('max-rate') && { maxRate: s('max-rate')! }),
    ...(s('hold') && { hold: s('hold')! }),
    ...(s('timeout') && { timeout: s('timeout')! }),
  };
  const nmr = {
    ...(s('jump-distance') && { jumpDistance: s('jump-distance')! }),
    ...(dimension !== undefined && { dimension: dimension as 1 | 2 | 3 }),
    ...(s('exsy-distance') && { exsyDistance: s('exsy-distance')! }),
  };
  return {
    controller,
    ...(list !== undefined ? { temperatures: list.split(',').map((t) => t.trim()) } : { range: { from: s('from')!, to: s('to')!, step: s('step')! } }),
    ramp: s('ramp') ?? '5 K/min',
    ...(Object.keys(settle).length > 0 && { settle }),
    ...(s('poll') && { poll: s('poll')! }),
    ...((s('suspend-band') || policy) && { suspend: { ...(s('suspend-band') && { band: s('suspend-band')! }), ...(policy && { policy: policy as 'repeat' | 'mark' }) } }),
    ...(potentiostat && { eis: { potentiostat, ...eisSweepFromOptions(v) } }),
    ...(kinds && { external: { kinds: kinds as Array<'nmr-t2' | 'nmr-exsy'>, ...(s('max-wait') && { maxWait: s('max-wait')! }) } }),
    ...(Object.keys(nmr).length > 0 && { nmr }),
  };
}

function describeFit(fit: FitResult): string | null {
  const r = fit.result as Record<string, unknown>;
  const number = (x: unknown, digits = 4) => (typeof x === 'number' ? x.toPrecision(digits) : 'n/a');
  switch (fit.method) {
    case 'eis':
      return describeEisFit(fit);
    case 'vt-step': {
      const t = r.temperatureK as { meanK: number; sdK: number; samples: number };
      return `  step ${fit.index}: ${t.meanK.toFixed(2)} K (sd ${t.sdK.toFixed(3)} K, ${t.samples} readings)${r.ok ? '' : ` marked: ${(r.warnings as string[]).join('; ')}`}\n`;
    }
    case 'vt-conductivity':
      return `  step ${fit.index}: sigma ${number(r.conductivitySPerCm)} S/cm at ${number(r.temperatureK, 5)} K${r.included ? '' : ' (not counted)'}\n`;
    case 'arrhenius':
      return r.ok
        ? `  Arrhenius (${String(r.quantity)}, ${r.points} temperatures${r.final ? ', final' : ''}): Ea = ${describeEstimate(r.activationEnergyEv)} eV, R^2 ${number(r.r2, 5)}\n`
        : `  Arrhenius (${String(r.quantity)}${r.final ? ', final' : ''}): not fitted: ${(r.warnings as string[]).join('; ')}\n`;
    default:
      return null;
  }
}

function describeEstimate(e: unknown): string {
  const { value, stderr } = e as { value: number; stderr: number };
  return `${value.toPrecision(4)} ± ${stderr.toPrecision(2)}`;
}

export const runVtCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, OPTIONS);
    const parameters = vtParametersFromOptions(values);
    return runProtocolFromCli(io, values, 'vt-series', parameters, describeFit, (fits) => {
      const finals = fits.filter((f) => f.method === 'arrhenius' && f.result.final === true).map((f) => f.result);
      return {
        steps: fits.filter((f) => f.method === 'vt-step').map((f) => ({ step: f.index, ...f.result })),
        conductivity: fits.filter((f) => f.method === 'vt-conductivity').map((f) => ({ step: f.index, ...f.result })),
        arrhenius: finals,
      };
    });
  },
};
