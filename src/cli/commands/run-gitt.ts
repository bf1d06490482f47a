import { formatQuantity } from '../../core/units.js';
import type { GittParametersInput } from '../../protocols/gitt/gitt-parameters.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { runProtocolFromCli } from '../run-protocol.js';

const OPTIONS = {
  config: { type: 'string' },
  instrument: { type: 'string' },
  current: { type: 'string' },
  pulse: { type: 'string' },
  rest: { type: 'string' },
  'rest-max-dvdt': { type: 'string' },
  'rest-window': { type: 'string' },
  'rest-max': { type: 'string' },
  pulses: { type: 'string' },
  'cutoff-min': { type: 'string' },
  'cutoff-max': { type: 'string' },
  'sample-interval': { type: 'string' },
  'rest-sample-interval': { type: 'string' },
  'initial-rest': { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

/** Builds the protocol parameters from the options; the engine validates them. */
export function gittParametersFromOptions(v: Record<string, string | boolean | undefined>): GittParametersInput {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const instrument = s('instrument');
  if (!instrument) throw new UsageError('--instrument is required');
  for (const k of ['current', 'pulse']) if (!s(k)) throw new UsageError(`--${k} is required`);
  if (s('rest') && s('rest-max-dvdt')) throw new UsageError('give --rest DURATION or --rest-max-dvdt RATE --rest-max DURATION, not both');
  let rest: GittParametersInput['rest'];
  if (s('rest-max-dvdt')) {
    if (!s('rest-max')) throw new UsageError('--rest-max-dvdt needs --rest-max (the longest rest)');
    rest = { maxDvdt: s('rest-max-dvdt')!, maxDuration: s('rest-max')!, ...(s('rest-window') && { window: s('rest-window')! }) };
  } else {
    rest = { duration: s('rest') ?? '30 min' };
  }
  const pulses = s('pulses') !== undefined ? Number(s('pulses')) : undefined;
  if (pulses !== undefined && !(Number.isInteger(pulses) && pulses > 0)) throw new UsageError(`--pulses must be a whole number > 0, got ${s('pulses')}`);
  return {
    instrument,
    current: s('current')!,
    pulse: s('pulse')!,
    rest,
    ...(pulses !== undefined && { pulses }),
    ...((s('cutoff-min') || s('cutoff-max')) && { cutoff: { ...(s('cutoff-min') && { minV: s('cutoff-min')! }), ...(s('cutoff-max') && { maxV: s('cutoff-max')! }) } }),
    ...(s('sample-interval') && { sampleInterval: s('sample-interval')! }),
    ...(s('rest-sample-interval') && { restSampleInterval: s('rest-sample-interval')! }),
    ...(s('initial-rest') && { initialRest: s('initial-rest')! }),
  };
}

export const runGittCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, OPTIONS);
    const parameters = gittParametersFromOptions(values);
    const f = (x: unknown, unit: string) => (typeof x === 'number' ? formatQuantity(x, unit) : 'n/a');
    return runProtocolFromCli(
      io,
      values,
      'gitt',
      parameters,
      (fit) => {
        if (fit.method !== 'gitt') return null;
        const r = fit.result;
        return `  pulse ${fit.index}: E0 ${f(r.e0V, 'V')}, Es ${f(r.esV, 'V')}, IR ${f(r.irDropV, 'V')}, R ${f(r.resistanceOhm, 'ohm')}, D ${typeof r.diffusionCm2PerS === 'number' ? `${r.diffusionCm2PerS.toPrecision(3)} cm2/s` : 'n/a'}\n`;
      },
      (fits) => ({ pulses: fits.filter((fit) => fit.method === 'gitt').map((fit) => fit.result) }),
    );
  },
};
