import type { Random } from '../common/random.js';
import type { CellModel } from './cell/index.js';
import { CURRENT_RANGES } from './defaults.js';

export interface NoiseSettings {
  /** Standard deviation of a potential reading (V). */
  readonly potentialV: number;
  /** Standard deviation of a current reading (A). */
  readonly currentA: number;
}

/** MethodSCRIPT pgstat mode of the galvanostat. */
export const GALVANOSTAT_MODE = 6;

/**
 * One potentiostat channel wired to a cell model: the instrument state the
 * script sets (cell on/off, mode, applied potential or current) and the
 * physics, advanced in lab time under that state. Readings carry seeded noise.
 */
export class SimulatedChannel {
  cellOn = false;
  mode = 2;
  appliedPotentialV = 0;
  appliedCurrentA = 0;
  /** A GEIS sweep holds its DC current in the high-speed mode; the next mode change ends that. */
  holdsCurrent = false;
  private modelTimeMs: number;

  constructor(
    readonly cell: CellModel,
    private readonly random: Random,
    private readonly noise: NoiseSettings,
    startMs: number,
  ) {
    this.modelTimeMs = startMs;
  }

  /** The lab time up to which the cell has been computed. */
  get timeMs(): number {
    return this.modelTimeMs;
  }

  /**
   * Advances the cell to `timeMs` under the present state: at open circuit
   * with the cell off, at the applied current in the galvanostat mode or under
   * a GEIS sweep, at the applied potential otherwise. Earlier times are ignored (time only moves on).
   */
  advanceTo(timeMs: number): void {
    const dtS = (timeMs - this.modelTimeMs) / 1000;
    if (!(dtS > 0)) return;
    if (!this.cellOn) this.cell.rest(dtS);
    else if (this.mode === GALVANOSTAT_MODE || this.holdsCurrent) this.cell.advanceGalvanostatic(dtS, this.appliedCurrentA);
    else this.cell.advancePotentiostatic(dtS, this.appliedPotentialV);
    this.modelTimeMs = timeMs;
  }

  /** WE vs RE potential reading (V). */
  readPotentialV(): number {
    return this.cell.voltage() + this.random.gaussian(0, this.noise.potentialV);
  }

  /** WE current reading (A). */
  readCurrentA(): number {
    return this.cell.current() + this.random.gaussian(0, this.noise.currentA);
  }

  /**
   * Impedance reading at `frequencyHz` with a sine potential (PEIS) or current
   * (GEIS) excitation: the small-signal Z is the same either way; the reading
   * noise of V and I is carried through Z = V/I, with V = I |Z|.
   */
  readImpedance(frequencyHz: number, excitation: { readonly amplitudeV: number } | { readonly amplitudeA: number }): { re: number; im: number } {
    const z = this.cell.impedance(frequencyHz);
    const magnitude = Math.hypot(z.re, z.im);
    const amplitudeV = 'amplitudeV' in excitation ? excitation.amplitudeV : excitation.amplitudeA * magnitude;
    const sdOhm = (magnitude / amplitudeV) * Math.hypot(this.noise.potentialV, this.noise.currentA * magnitude);
    return { re: z.re + this.random.gaussian(0, sdOhm), im: z.im + this.random.gaussian(0, sdOhm) };
  }
}

/** Metadata index of the smallest EmStat4 current range whose full scale holds `currentA`. */
export function currentRangeIndex(currentA: number): number {
  const magnitude = Math.abs(currentA);
  const range = CURRENT_RANGES.find((r) => magnitude <= r.fullScaleA) ?? CURRENT_RANGES[CURRENT_RANGES.length - 1];
  return range?.index ?? 0;
}
