import type { Estimate } from '../../analysis/arrhenius/arrhenius.js';
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

/** One fit document of a VT run as the lines `run vt` prints for it; null for the documents it does not print (the series fit: its values come per step). */
export function describeVtFit(fit: FitResult): string | null {
  const r = fit.result as Record<string, unknown>;
  switch (fit.method) {
    case 'eis':
      return describeEisFit(fit);
    case 'vt-step': {
      const t = r.temperatureK as { meanK: number; sdK: number; samples: number };
      return `  step ${fit.index}: ${t.meanK.toFixed(2)} K (sd ${t.sdK.toFixed(3)} K, ${t.samples} readings)${r.ok ? '' : ` marked: ${(r.warnings as string[]).join('; ')}`}\n`;
    }
    case 'vt-conductivity':
      return describeConductivity(fit.index, r);
    case 'arrhenius':
    case 'arrhenius-grain-boundary':
      return describeArrhenius(r);
    default:
      return null;
  }
}

/** Bulk and grain-boundary sigma of a step, whether it counts in the Arrhenius fits, and the series fit's notes (an arc outside the window). */
function describeConductivity(step: number, r: Record<string, unknown>): string {
  const sigma = (x: unknown) => (typeof x === 'number' ? `${x.toExponential(3)} S/cm` : 'n/a');
  const parts = [`bulk sigma ${sigma(r.conductivitySPerCm)}`];
  if (r.from === 'eis-series') parts.push(`grain boundary sigma ${sigma(r.grainBoundaryConductivitySPerCm)}`);
  const counted = r.included ? '' : ` (not counted: ${(r.warnings as string[]).join('; ')})`;
  const notes = ((r.notes as string[] | undefined) ?? []).map((n) => `    note: ${n}\n`).join('');
  return `  step ${step}: at ${(r.temperatureK as number).toFixed(2)} K ${parts.join(', ')}${counted}\n${notes}`;
}

/** An Arrhenius fit: which quantity and process, Ea with its standard error, and the temperatures it left out. */
function describeArrhenius(r: Record<string, unknown>): string {
  const what = [String(r.quantity), ...(r.process ? [processLabel(r.process as string)] : [])].join(', ');
  const excluded = ((r.excluded as Array<{ step: number; temperatureK: number; reasons: string[] }> | undefined) ?? [])
    .map((e) => `    left out: step ${e.step} at ${e.temperatureK.toFixed(2)} K: ${e.reasons.join('; ')}\n`)
    .join('');
  if (!r.ok) return `  Arrhenius (${what}${r.final ? ', final' : ''}): not fitted: ${(r.warnings as string[]).join('; ')}\n${excluded}`;
  const range = r.temperatureRangeK as [number, number];
  return (
    `  Arrhenius (${what}, ${r.points} temperatures ${range[0].toFixed(1)}-${range[1].toFixed(1)} K${r.final ? ', final' : ''}): ` +
    `Ea = ${describeEstimate(r.activationEnergyEv as Estimate)} eV, R^2 ${(r.r2 as number).toPrecision(5)}\n${excluded}`
  );
}

function processLabel(process: string): string {
  return process === 'grain-boundary' ? 'grain boundary' : process;
}

function describeEstimate(e: Estimate): string {
  return `${e.value.toPrecision(4)} ± ${e.stderr.toPrecision(2)}`;
}

/** What the final Arrhenius fit of a conductivity process gives: Ea (eV) with its standard error, or why there is none. */
type ActivationEnergy = { valueEv: number; stderrEv: number; points: number; temperatureRangeK: [number, number] } | { error: string } | null;

function finalActivationEnergy(fits: readonly FitResult[], method: 'arrhenius' | 'arrhenius-grain-boundary'): ActivationEnergy {
  const final = fits.find((f) => f.method === method && f.result.final === true && f.result.quantity === 'conductivity');
  if (!final) return null;
  const r = final.result as Record<string, unknown>;
  if (!r.ok) return { error: (r.warnings as string[]).join('; ') };
  const ea = r.activationEnergyEv as Estimate;
  return { valueEv: ea.value, stderrEv: ea.stderr, points: r.points as number, temperatureRangeK: r.temperatureRangeK as [number, number] };
}

/** The `--json` result's VT part: the fits by kind, each step's conductivity as last revised (the series fit may revise a step when a colder sweep comes), and the final activation energies. */
export function vtSummary(fits: readonly FitResult[]): Record<string, unknown> {
  const finals = (method: string) => fits.filter((f) => f.method === method && f.result.final === true).map((f) => f.result);
  const latest = new Map<number, FitResult>();
  for (const f of fits) if (f.method === 'vt-conductivity') latest.set(f.index, f);
  return {
    steps: fits.filter((f) => f.method === 'vt-step').map((f) => ({ step: f.index, ...f.result })),
    conductivity: [...latest.values()].sort((a, b) => a.index - b.index).map((f) => ({ step: f.index, ...f.result })),
    arrhenius: finals('arrhenius'),
    arrheniusGrainBoundary: finals('arrhenius-grain-boundary'),
    activationEnergy: { bulk: finalActivationEnergy(fits, 'arrhenius'), grainBoundary: finalActivationEnergy(fits, 'arrhenius-grain-boundary') },
  };
}

export const runVtCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, OPTIONS);
    const parameters = vtParametersFromOptions(values);
    // The run's warnings (its flagged fits, from the store) come after the fits, from runProtocolFromCli as for every run command.
    return runProtocolFromCli(io, values, 'vt-series', parameters, describeVtFit, vtSummary);
  },
};
