import { numberKey, type EventStream, type StreamSpec } from '../../core/stream-spec.js';
import type { RunContext } from '../../protocols/protocol.js';
import { POTENTIOSTAT_FLAGS, type PotentiostatSample, type PotentiostatStep } from './device.js';
import type { PotentiostatInstrument } from './instrument.js';

/**
 * The potentiostat's streams: `<id>.dc` carries the DC samples (potential
 * and current of one instant together), `<id>.eis` the impedance points
 * (frequency, Z', Z'', the sweep they belong to and the attempt at it). Their descriptors come
 * from here; protocols write them through `PotentiostatRecorder`.
 */
export const dcStreamName = (instrumentId: string): string => `${instrumentId}.dc`;
export const eisStreamName = (instrumentId: string): string => `${instrumentId}.eis`;

export function dcStreamSpec(instrument: PotentiostatInstrument): StreamSpec {
  const native = instrument.nativeQuantities;
  const source = instrument.id;
  return {
    name: dcStreamName(instrument.id),
    dataKeys: {
      potential: numberKey(source, 'V', native.potential, 6, 'cell voltage (working vs reference electrode)'),
      current: numberKey(source, 'A', native.current, 12, 'cell current, positive = oxidation at the working electrode; 0 at open circuit (cell off)'),
    },
    flags: POTENTIOSTAT_FLAGS,
    configuration: { [instrument.id]: instrument.snapshot() },
    hints: { plot: { x: 'time', y: ['potential'] } },
  };
}

export function eisStreamSpec(instrument: PotentiostatInstrument): StreamSpec {
  const native = instrument.nativeQuantities;
  const source = instrument.id;
  return {
    name: eisStreamName(instrument.id),
    dataKeys: {
      frequency: numberKey(source, 'Hz', native.frequency, 4, 'frequency of the sine excitation'),
      z_re: numberKey(source, 'ohm', native.zRe, 6, "real part of the impedance Z'"),
      z_im: numberKey(source, 'ohm', native.zIm, 6, "imaginary part of the impedance Z'' (negative = capacitive)"),
      sweep: { dtype: 'integer', shape: [], unit: '', source, nativeQuantity: 'sweep number in the run', description: 'the sweep the point belongs to (1, 2, ...)' },
      attempt: {
        dtype: 'integer',
        shape: [],
        unit: '',
        source,
        nativeQuantity: 'attempt at the sweep',
        description: 'the attempt at the sweep (1; 2, ... when a lost link interrupted the ones before: only the last one of a sweep is complete)',
      },
    },
    flags: POTENTIOSTAT_FLAGS,
    configuration: { [instrument.id]: instrument.snapshot() },
    hints: { plot: { x: 'z_re', y: ['z_im'] } },
  };
}

/**
 * Turns a step's samples into events of the instrument's streams, timed
 * from the step's start: DC samples of any step, impedance points of a sweep.
 * The streams open (and their descriptors go out) with their first event.
 */
export class PotentiostatRecorder {
  private dc: EventStream | null = null;
  private eis: EventStream | null = null;

  constructor(
    private readonly ctx: RunContext,
    readonly instrument: PotentiostatInstrument,
  ) {}

  /**
   * The sample handler of a DC step started at `startNs`. At open circuit the
   * cell is switched off, so its current is 0 A by construction; a value the
   * instrument could not measure (`nan`) is NaN.
   */
  dcSamples(step: PotentiostatStep, startNs: bigint): (s: PotentiostatSample) => void {
    const stream = (this.dc ??= this.ctx.stream(dcStreamSpec(this.instrument)));
    const openCircuit = step.kind === 'ocp';
    return (s) => {
      stream.emit({ potential: s.potentialV ?? Number.NaN, current: openCircuit ? 0 : (s.currentA ?? Number.NaN) }, atElapsed(startNs, s.elapsedS), s.flags);
    };
  }

  /**
   * The sample handler of attempt `attempt` at impedance sweep `sweep` started at `startNs`, and
   * how many points it has recorded. A value the instrument sent as `nan` is
   * kept as NaN (the fit leaves such points out and says so).
   */
  eisPoints(sweep: number, attempt: number, startNs: bigint): { readonly onSample: (s: PotentiostatSample) => void; points(): number } {
    const stream = (this.eis ??= this.ctx.stream(eisStreamSpec(this.instrument)));
    let points = 0;
    return {
      onSample: (s) => {
        const nan = Number.NaN;
        stream.emit({ frequency: s.frequencyHz ?? nan, z_re: s.zReOhm ?? nan, z_im: s.zImOhm ?? nan, sweep, attempt }, atElapsed(startNs, s.elapsedS), s.flags);
        points++;
      },
      points: () => points,
    };
  }
}

function atElapsed(startNs: bigint, elapsedS: number): bigint {
  return startNs + BigInt(Math.round(elapsedS * 1e9));
}
